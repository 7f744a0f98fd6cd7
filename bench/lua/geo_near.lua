-- geo_near.lua: GET /v2/entities?georel=near;maxDistance:1000&geometry=point&coords=<lat,lon>
-- &limit=20 at a random point inside the loaded grid (rows = n / 1000 of 0.001 degree from
-- latitude 33.5), so every request finds well over 20 entities within 1 km.
local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
local common = dofile(dir .. "common.lua")

local rows
common.install{
  init = function(opts) rows = math.max(1, math.min(1000, math.floor(opts.n / 1000))) end,
  request = function()
    local lat = 33.5 + math.random(0, rows - 1) / 1000
    local lon = 135.0 + math.random(0, 999) / 1000
    return wrk.format("GET", string.format(
      "/v2/entities?georel=near;maxDistance:1000&geometry=point&coords=%.4f,%.4f&limit=20",
      lat, lon))
  end,
}
