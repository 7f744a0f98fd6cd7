// Fuzzes the geometry parsers (core/geo): ParseV2GeoQuery (georel, geometry, coords), Orion's
// "lat, lon" text (ParseLatLon), GeoJSON (ParseGeoJson) and the NGSIv2 geo attribute forms
// (ParseV2GeoAttribute for geo:json, geo:point, geo:line, geo:box, geo:polygon). Input: line
// 1 georel, line 2 geometry, line 3 coords, the rest a JSON value. Checks: errors are
// kBadRequestData; parsed positions are in range; envelopes are ordered; every location a
// parsed query matches intersects the query's SearchBox (its documented contract).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <system_error>
#include <vector>

#include <boost/json/parse.hpp>

#include "core/geo/geo_query.hpp"
#include "core/geo/geometry.hpp"
#include "tests/fuzz/fuzz_input.hpp"

namespace {

using renkei::core::geo::BoundingBox;
using renkei::core::geo::Geometry;
using renkei::core::geo::Position;
using renkei::fuzz::FuzzCheck;

void CheckPositions(const std::vector<Position>& positions) {
  for (const auto& p : positions) {
    FuzzCheck(p.lon >= -180 && p.lon <= 180 && p.lat >= -90 && p.lat <= 90,
              "a parsed position is out of range");
  }
}

void CheckGeometry(const Geometry& g) {
  for (const auto& part : g.parts) CheckPositions(part);
  for (const auto& polygon : g.polygons) {
    for (const auto& ring : polygon) CheckPositions(ring);
  }
  BoundingBox box = g.Envelope();
  FuzzCheck(box.min_lon <= box.max_lon && box.min_lat <= box.max_lat, "unordered envelope");
  (void)g.Anchor();
}

bool BoxesIntersect(const BoundingBox& a, const BoundingBox& b) {
  return a.min_lon <= b.max_lon && b.min_lon <= a.max_lon && a.min_lat <= b.max_lat &&
         b.min_lat <= a.max_lat;
}

void CheckError(const renkei::base::Error& error) {
  FuzzCheck(error.code == renkei::base::ErrorCode::kBadRequestData && !error.detail.empty(),
            "geo error is not kBadRequestData");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto lines = renkei::fuzz::SplitLines(renkei::fuzz::AsText(data, size), 4);

  std::optional<renkei::core::geo::GeoQuery> query;
  auto parsed_query = renkei::core::geo::ParseV2GeoQuery(lines[0], lines[1], lines[2]);
  if (parsed_query) {
    CheckGeometry(parsed_query->reference);
    query = std::move(*parsed_query);
  } else {
    CheckError(parsed_query.error());
  }

  std::vector<Geometry> locations;
  Position position;
  if (renkei::core::geo::ParseLatLon(lines[2], position)) {
    CheckPositions({position});
    locations.push_back(Geometry{Geometry::Kind::kPoint, {{position}}, {}});
  }

  std::error_code ec;
  boost::json::value json = boost::json::parse(lines[3], ec);
  if (!ec) {
    auto geojson = renkei::core::geo::ParseGeoJson(json);
    if (geojson) {
      locations.push_back(std::move(*geojson));
    } else {
      CheckError(geojson.error());
    }
    constexpr std::array<std::string_view, 5> kTypes = {"geo:json", "geo:point", "geo:line",
                                                        "geo:box", "geo:polygon"};
    for (auto type : kTypes) {
      FuzzCheck(renkei::core::geo::IsV2GeoType(type), "a geo type is not a geo type");
      auto attribute = renkei::core::geo::ParseV2GeoAttribute(type, json);
      if (attribute) {
        locations.push_back(std::move(*attribute));
      } else {
        CheckError(attribute.error());
      }
    }
  }

  for (const auto& location : locations) {
    CheckGeometry(location);
    if (!query) continue;
    if (query->Matches(location)) {
      FuzzCheck(BoxesIntersect(query->SearchBox(), location.Envelope()),
                "a matching location lies outside the SearchBox");
    }
  }
  return 0;
}
