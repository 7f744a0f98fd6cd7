-- ceiling.lua: GET / against bench/ceiling_server (the HTTP stack with a trivial handler).
-- It uses the same hooks as the NGSI scenarios, so wrk spends the same effort per request.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local req
common.install{
  init = function(opts) req = wrk.format("GET", "/v2/entities/ceiling") end,
  request = function() return req end,
}
