-- batch_update.lua: POST /v2/op/update, actionType update, of 100 distinct random loaded
-- entities, each with new temperature and humidity (204 expected). Entities/s = req/s x 100.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.batch("/v2/op/update", "Number",
                             '{"actionType":"update","entities":[', "]}"))
