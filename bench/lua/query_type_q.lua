-- query_type_q.lua: GET /v2/entities?type=Room&q=temperature==<t>;humidity>50&limit=20.
-- For t in 1..49 about 0.9% of the data set matches (Rooms with n % 100 == t + 50), so every
-- request returns a full page of 20 entities; t varies so no single answer can be cached.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

common.install{
  request = function()
    return wrk.format("GET", string.format(
      "/v2/entities?type=Room&q=temperature==%d;humidity%%3E50&limit=20", math.random(1, 49)))
  end,
}
