-- get_by_id.lua: GET /v2/entities/<id> of a random loaded entity (200 expected).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local count
common.install{
  init = function(opts) count = opts.n end,
  request = function()
    return wrk.format("GET", "/v2/entities/" .. common.entity_id(common.random_index(count)))
  end,
}
