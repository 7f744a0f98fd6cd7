-- ld_batch_upsert.lua: POST /ngsi-ld/v1/entityOperations/upsert?options=update of 100 distinct
-- random loaded entities, each with new temperature and humidity as Properties (plain JSON, so
-- the default @context applies; 204 expected: every entity exists). Entities/s = req/s x 100.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.batch("/ngsi-ld/v1/entityOperations/upsert?options=update", "Property",
                             "[", "]"))
