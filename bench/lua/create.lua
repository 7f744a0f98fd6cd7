-- create.lua: POST /v2/entities of a new Room (201 expected). Ids are unique per run, thread
-- and request: urn:ngsi-ld:Room:bench-v2-<run>-<thread>-<k>.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.create("/v2/entities", "v2",
                              {number = "Number", text = "Text", geo = "geo:json"}))
