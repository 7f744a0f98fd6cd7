-- ld_get_by_id.lua: GET /ngsi-ld/v1/entities/<id> of a random loaded entity (200 expected).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.get_by_id("/ngsi-ld/v1/entities/"))
