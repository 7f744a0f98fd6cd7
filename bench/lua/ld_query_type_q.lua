-- ld_query_type_q.lua: GET /ngsi-ld/v1/entities?type=Room&q=temperature==<t>;humidity>50
-- &limit=20, the query of query_type_q.lua through NGSI-LD (default @context): 20 entities.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.query_type_q("/ngsi-ld/v1/entities"))
