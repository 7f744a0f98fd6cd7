-- create.lua: POST /v2/entities of a new Room (201 expected). Ids are unique per run, thread
-- and request: urn:ngsi-ld:Room:bench-<run>-<thread>-<k>.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local prefix
local k = 0
local headers = {["Content-Type"] = "application/json"}
common.install{
  init = function(opts)
    prefix = "urn:ngsi-ld:Room:bench-" .. (opts.run or os.time()) .. "-" .. opts.thread_index .. "-"
  end,
  request = function()
    k = k + 1
    local body = string.format(
      '{"id":"%s%d","type":"Room","temperature":{"type":"Number","value":%d},' ..
      '"humidity":{"type":"Number","value":%d},"name":{"type":"Text","value":"new room %d"},' ..
      '"location":{"type":"geo:json","value":{"type":"Point","coordinates":[%.3f,%.3f]}}}',
      prefix, k, k % 50, k % 100, k, 135.0 + math.random(0, 999) / 1000,
      33.5 + math.random(0, 999) / 1000)
    return wrk.format("POST", "/v2/entities", headers, body)
  end,
}
