-- common.lua: what every scenario script shares. A scenario calls
--   common.install{init = function(opts) ... end, request = function() return ... end}
-- which defines wrk's global hooks: setup numbers the threads, response counts status codes
-- (non-2xx are errors; a scenario's optional check(status, body) may name another outcome, also
-- an error), done prints one line "BENCH_JSON {...}" that bench/run.sh collects.
-- Script arguments after `--` are key=value pairs (n=100000 run=1700000000 ...).
local M = {}

local threads = {}

-- The data set loaded by bench/load.py: entity n in [0, n) is a Sensor when n % 10 == 9 and a
-- Room otherwise; its location is on a 1000 x 1000 grid of 0.001 degree from (135.0, 33.5).
function M.entity_type(n)
  if n % 10 == 9 then return "Sensor" end
  return "Room"
end

function M.entity_id(n)
  return "urn:ngsi-ld:" .. M.entity_type(n) .. ":" .. n
end

-- A random entity index in [0, count).
function M.random_index(count)
  return math.random(0, count - 1)
end

-- The size of the loaded data set (script argument n), set before the scenario's init runs.
M.count = 0

local json_headers = {["Content-Type"] = "application/json"}

-- Scenario builders: each returns the table for M.install of a scenario that NGSIv2 and NGSI-LD
-- both have, given what differs between the two APIs (paths, attribute types, batch wrapping).

-- GET <path><id> of a random loaded entity.
function M.get_by_id(path)
  return {request = function()
    return wrk.format("GET", path .. M.entity_id(M.random_index(M.count)))
  end}
end

-- GET <path>?type=Room&q=temperature==<t>;humidity>50&limit=20 (the q syntax is the same in
-- both APIs). The entities with temperature t and humidity > 50 are those with
-- n % 100 == t + 50: for t in 1..49 not ending in 9 about 0.9% of the data set (Rooms), so every
-- request returns a full page of 20 entities; t varies so no answer can be cached. A t ending
-- in 9 matches only Sensors: the query then returns nothing after testing all 2% of the data
-- set with temperature t, another workload than this scenario's (its goal is for 20 entities),
-- so those t are not drawn. The page size is checked (M.entity_count_check).
function M.query_type_q(path)
  return {
    request = function()
      local t
      repeat t = math.random(1, 49) until t % 10 ~= 9
      return wrk.format("GET", string.format(
        "%s?type=Room&q=temperature==%d;humidity%%3E50&limit=20", path, t))
    end,
    check = M.entity_count_check(20),
  }
end

-- A response check counting the entities of a 200 answer (their ids: every loaded and created
-- id starts with urn:ngsi-ld:); another count is recorded as status "short page", an error
-- (report.py flags every status not starting with 2).
function M.entity_count_check(expected)
  return function(status, body)
    if status ~= 200 then return nil end
    local _, count = string.gsub(body or "", '"id":"urn:ngsi%-ld:', "")
    if count ~= expected then return "short page" end
    return nil
  end
end

-- New temperature and humidity values for the update scenarios.
function M.random_reading()
  return math.random(0, 400) / 10, math.random(0, 99)
end

-- POST <path> of 100 distinct random loaded entities, each with a new temperature and humidity
-- of type attr_type; the body is opening .. entities separated by commas .. closing.
function M.batch(path, attr_type, opening, closing)
  local item = '{"id":"%s","type":"%s","temperature":{"type":"' .. attr_type ..
               '","value":%.1f},"humidity":{"type":"' .. attr_type .. '","value":%d}}'
  return {request = function()
    local seen, parts = {}, {}
    while #parts < 100 do
      local n = M.random_index(M.count)
      if not seen[n] then
        seen[n] = true
        local temperature, humidity = M.random_reading()
        parts[#parts + 1] = string.format(item, M.entity_id(n), M.entity_type(n), temperature,
                                          humidity)
      end
    end
    return wrk.format("POST", path, json_headers, opening .. table.concat(parts, ",") .. closing)
  end}
end

-- POST <path> of a new Room with temperature, humidity, a name and a location of the given
-- types (types.number, types.text, types.geo). Ids are unique per scenario (tag), run, thread
-- and request: urn:ngsi-ld:Room:bench-<tag>-<run>-<thread>-<k>, k = 1, 2, ...
function M.create(path, tag, types)
  local body = '{"id":"%s%d","type":"Room","temperature":{"type":"' .. types.number ..
               '","value":%d},"humidity":{"type":"' .. types.number .. '","value":%d},' ..
               '"name":{"type":"' .. types.text .. '","value":"new room %d"},' ..
               '"location":{"type":"' .. types.geo ..
               '","value":{"type":"Point","coordinates":[%.3f,%.3f]}}}'
  local prefix
  local k = 0
  return {
    init = function(opts)
      prefix = "urn:ngsi-ld:Room:bench-" .. tag .. "-" .. (opts.run or os.time()) .. "-" ..
               opts.thread_index .. "-"
    end,
    request = function()
      k = k + 1
      return wrk.format("POST", path, json_headers, string.format(
        body, prefix, k, k % 50, k % 100, k, 135.0 + math.random(0, 999) / 1000,
        33.5 + math.random(0, 999) / 1000))
    end,
  }
end

local function parse_args(args)
  local opts = {}
  for _, arg in ipairs(args or {}) do
    local key, value = arg:match("^([%w_]+)=(.*)$")
    if key then opts[key] = value end
  end
  opts.n = tonumber(opts.n or "0")
  return opts
end

local function json_escape(text)
  return (tostring(text):gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end))
end

function M.install(scenario)
  function setup(thread)
    table.insert(threads, thread)
    thread:set("thread_index", #threads)
  end

  function init(args)
    statuses = {}
    local opts = parse_args(args)
    opts.thread_index = thread_index
    M.count = opts.n
    math.randomseed(os.time() * 1000 + (thread_index or 0) * 7919 + math.floor(os.clock() * 1e6))
    if scenario.init then scenario.init(opts) end
  end

  request = scenario.request

  function response(status, headers, body)
    local key = (scenario.check and scenario.check(status, body)) or tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
  end

  function done(summary, latency, requests)
    local counts = {}
    local non_2xx = 0
    for _, thread in ipairs(threads) do
      local per_thread = thread:get("statuses") or {}
      for code, count in pairs(per_thread) do
        counts[code] = (counts[code] or 0) + count
        local number = tonumber(code)
        if number == nil or number < 200 or number > 299 then non_2xx = non_2xx + count end
      end
    end
    local status_parts = {}
    for code, count in pairs(counts) do
      table.insert(status_parts, string.format('"%s":%d', json_escape(code), count))
    end
    local e = summary.errors
    print(string.format(
      'BENCH_JSON {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d},' ..
      '"socket_errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d},' ..
      '"http_errors":%d,"non_2xx":%d,"statuses":{%s}}',
      summary.requests, summary.duration, summary.bytes,
      latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
      latency:percentile(99), latency:percentile(99.9),
      e.connect, e.read, e.write, e.timeout, e.status, non_2xx,
      table.concat(status_parts, ",")))
  end
end

return M
