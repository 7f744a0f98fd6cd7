-- query_type_q.lua: GET /v2/entities?type=Room&q=temperature==<t>;humidity>50&limit=20, t random
-- in 1..49: a full page of 20 entities each time (see common.query_type_q).
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install(common.query_type_q("/v2/entities"))
