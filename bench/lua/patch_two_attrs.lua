-- patch_two_attrs.lua: PATCH /v2/entities/<id>/attrs of a random loaded entity, changing
-- temperature and humidity (204 expected; acknowledged after a durable commit).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local headers = {["Content-Type"] = "application/json"}
common.install{
  request = function()
    local n = common.random_index(common.count)
    local temperature, humidity = common.random_reading()
    local body = string.format(
      '{"temperature":{"type":"Number","value":%.1f},"humidity":{"type":"Number","value":%d}}',
      temperature, humidity)
    return wrk.format("PATCH", "/v2/entities/" .. common.entity_id(n) .. "/attrs", headers, body)
  end,
}
