-- ld_create.lua: POST /ngsi-ld/v1/entities of a new Room with the attributes of create.lua as
-- Properties and a GeoProperty (plain JSON, default @context; 201 expected). Ids:
-- urn:ngsi-ld:Room:bench-ld-<run>-<thread>-<k>, distinct from create.lua's.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.create("/ngsi-ld/v1/entities", "ld",
                              {number = "Property", text = "Property", geo = "GeoProperty"}))
