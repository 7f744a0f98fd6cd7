-- batch_update.lua: POST /v2/op/update, actionType update, of 100 distinct random loaded
-- entities, each with new temperature and humidity (204 expected). Entities/s = req/s x 100.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local kBatch = 100
local count
local headers = {["Content-Type"] = "application/json"}
common.install{
  init = function(opts) count = opts.n end,
  request = function()
    local seen, parts = {}, {}
    while #parts < kBatch do
      local n = common.random_index(count)
      if not seen[n] then
        seen[n] = true
        parts[#parts + 1] = string.format(
          '{"id":"%s","type":"%s","temperature":{"type":"Number","value":%.1f},' ..
          '"humidity":{"type":"Number","value":%d}}',
          common.entity_id(n), common.entity_type(n), math.random(0, 400) / 10,
          math.random(0, 99))
      end
    end
    return wrk.format("POST", "/v2/op/update", headers,
      '{"actionType":"update","entities":[' .. table.concat(parts, ",") .. ']}')
  end,
}
