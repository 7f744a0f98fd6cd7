// NGSIv2 geo-query parsing (georel / geometry / coords) and evaluation of a GeoQuery
// against an entity location. The parse order and error texts follow Orion's functional
// tests 1677_geo_location_for_api_v2/geo_location_for_api_v2_error_cases, 1177 and
// 1678_geosubscriptions, so the first error Orion would report is the one we report.
#include "core/geo/geo_query.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/geo/planar_predicates.hpp"

namespace renkei::core::geo {
namespace {

using base::ErrorCode;
using base::Result;

constexpr double kPi = 3.14159265358979323846;

base::Unexpected BadQuery(std::string detail) {
  return base::Fail(ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

// Orion splits on the delimiter after skipping leading delimiters; empty items in the
// middle or at the end are kept (and then rejected by whoever reads them).
std::vector<std::string_view> Split(std::string_view text, char delimiter) {
  std::vector<std::string_view> out;
  std::size_t start = text.find_first_not_of(delimiter);
  if (start == std::string_view::npos) return out;
  text.remove_prefix(start);
  while (true) {
    std::size_t pos = text.find(delimiter);
    out.push_back(text.substr(0, pos));
    if (pos == std::string_view::npos) break;
    text.remove_prefix(pos + 1);
  }
  return out;
}

// strtod syntax with surrounding blanks, whole text consumed, finite.
bool ParseDouble(std::string_view text, double& out) {
  std::string s(text);
  std::size_t first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(s.c_str() + first, &end);
  if (end == s.c_str() + first || errno == ERANGE || !std::isfinite(d)) return false;
  while (*end == ' ' || *end == '\t') ++end;
  if (*end != '\0') return false;
  out = d;
  return true;
}

struct RelationName {
  std::string_view name;
  Relation relation;
};

// NGSIv2 georel names (Orion API manual "Geographical Queries").
constexpr std::array<RelationName, 5> kV2Relations{{
    {"near", Relation::kNear},
    {"coveredBy", Relation::kCoveredBy},
    {"intersects", Relation::kIntersects},
    {"equals", Relation::kEquals},
    {"disjoint", Relation::kDisjoint},
}};

struct ParsedGeorel {
  std::string_view name;
  Relation relation = Relation::kIntersects;
  std::optional<double> max_distance;
  std::optional<double> min_distance;
};

Result<double> ParseDistance(std::string_view text, std::string_view which) {
  double d = 0;
  // Orion accepts any number; a negative distance cannot match anything useful, so we
  // reject it with the same text Orion uses for a malformed one.
  if (!ParseDouble(text, d) || d < 0) return BadQuery("invalid number for " + std::string(which));
  return d;
}

Result<ParsedGeorel> ParseGeorel(std::string_view georel) {
  std::vector<std::string_view> items = Split(georel, ';');
  if (items.empty()) return BadQuery("empty georel");
  ParsedGeorel out;
  constexpr std::string_view kMax = "maxDistance:";
  constexpr std::string_view kMin = "minDistance:";
  for (std::string_view item : items) {
    const auto* known = std::find_if(kV2Relations.begin(), kV2Relations.end(),
                                     [item](const RelationName& r) { return r.name == item; });
    if (known != kV2Relations.end()) {
      if (!out.name.empty()) return BadQuery("georel type present more than once");
      out.name = known->name;
      out.relation = known->relation;
    } else if (item.starts_with(kMax)) {
      if (out.max_distance) return BadQuery("maxDistance present more than once");
      RENKEI_TRY(out.max_distance, ParseDistance(item.substr(kMax.size()), "maxDistance"));
    } else if (item.starts_with(kMin)) {
      if (out.min_distance) return BadQuery("minDistance present more than once");
      RENKEI_TRY(out.min_distance, ParseDistance(item.substr(kMin.size()), "minDistance"));
    } else {
      return BadQuery("Invalid modifier in georel parameter");
    }
  }
  bool near = out.name == "near";
  if (out.max_distance && !near) {
    return BadQuery("maxDistance erroneously used with georel /" + std::string(out.name) + "/");
  }
  if (out.min_distance && !near) {
    return BadQuery("minDistance erroneously used with georel /" + std::string(out.name) + "/");
  }
  if (near && !out.max_distance && !out.min_distance) {
    return BadQuery("georel /near/ without either minDistance nor maxDistance");
  }
  if (out.name.empty()) return BadQuery("empty georel");
  return out;
}

Result<std::string_view> ParseGeometryName(std::string_view geometry) {
  std::vector<std::string_view> items = Split(geometry, ';');
  if (items.empty()) return BadQuery("error parsing geometry: empty geometry");
  std::string_view name;
  for (std::string_view item : items) {
    if (item != "point" && item != "line" && item != "box" && item != "polygon") {
      return BadQuery("error parsing geometry: Invalid selector in geometry specification");
    }
    if (!name.empty())
      return BadQuery("error parsing geometry: geometry-type present more than once");
    name = item;
  }
  return name;
}

Result<std::vector<Position>> ParseCoords(std::string_view coords) {
  std::vector<std::string_view> pairs = Split(coords, ';');
  if (pairs.empty()) return BadQuery("erroneous coordinates for geometry");
  std::vector<Position> out;
  for (std::string_view pair : pairs) {
    std::vector<std::string_view> numbers = Split(pair, ',');
    if (numbers.size() != 2) return BadQuery("invalid point in URI param /coords/");
    double lat = 0;
    double lon = 0;
    // Orion checks only the number syntax; out-of-range values are rejected here with
    // the same text instead of failing later in the database.
    if (!ParseDouble(numbers[0], lat) || !ParseDouble(numbers[1], lon) || lat < -90 || lat > 90 ||
        lon < -180 || lon > 180) {
      return BadQuery("invalid coordinates");
    }
    out.push_back(Position{lon, lat});
  }
  return out;
}

Result<Geometry> BuildReference(std::string_view name, std::vector<Position> points) {
  Geometry g;
  if (name == "polygon") {
    if (points.size() < 4) return BadQuery("Too few coordinates for polygon");
    if (points.front() != points.back()) {
      return BadQuery("First and last point in polygon not the same");
    }
    g.kind = Geometry::Kind::kPolygon;
    g.parts = {std::move(points)};
  } else if (name == "line") {
    if (points.size() < 2) return BadQuery("invalid number of coordinates for /line/");
    g.kind = Geometry::Kind::kLineString;
    g.parts = {std::move(points)};
  } else if (name == "box") {
    if (points.size() != 2) return BadQuery("invalid number of coordinates for /box/");
    if (points[0].lat == points[1].lat || points[0].lon == points[1].lon) {
      return BadQuery("box coordinates are not defining an actual box");
    }
    g = MakeBoxPolygon(points[0], points[1]);
  } else {
    if (points.size() != 1) return BadQuery("invalid number of coordinates for /point/");
    g.kind = Geometry::Kind::kPoint;
    g.parts = {std::move(points)};
  }
  return g;
}

constexpr BoundingBox kWholeWorld{-180, -90, 180, 90};

}  // namespace

Result<GeoQuery> ParseV2GeoQuery(std::string_view georel, std::string_view geometry,
                                 std::string_view coords) {
  // Orion checks the presence of the three parameters before parsing any of them.
  if (!coords.empty() && geometry.empty()) {
    return BadQuery("URI param /coords/ used without /geometry/");
  }
  if (!geometry.empty() && coords.empty()) {
    return BadQuery("URI param /geometry/ used without /coords/");
  }
  if (!georel.empty() && geometry.empty()) {
    return BadQuery("URI param /georel/ used without /geometry/");
  }
  if (geometry.empty()) return BadQuery("no geo-query: geometry, georel and coords are empty");

  RENKEI_TRY(std::string_view geometry_name, ParseGeometryName(geometry));
  ParsedGeorel rel;
  if (!georel.empty()) {
    RENKEI_TRY(rel, ParseGeorel(georel));
  }

  // Combinations Orion refuses because MongoDB cannot answer them ($geoWithin needs an
  // area; $near needs a point).
  if (geometry_name == "line" && rel.name == "coveredBy") {
    return BadQuery("line geometry cannot be used with coveredBy georel");
  }
  if (geometry_name == "point" && rel.name == "coveredBy") {
    return BadQuery("point geometry cannot be used with coveredBy georel");
  }
  if (geometry_name != "point" && rel.name == "near") {
    return BadQuery("georel /near/ used with geometry different than point");
  }

  RENKEI_TRY(std::vector<Position> points, ParseCoords(coords));
  RENKEI_TRY(Geometry reference, BuildReference(geometry_name, std::move(points)));

  // Orion accepts geometry+coords without georel and then silently drops the filter
  // (MongoGlobal processGeoFilter), answering with every entity. renkei rejects such a
  // query instead, after all the checks Orion makes so that its texts still come first;
  // Orion subscriptions already require all three parameters.
  if (rel.name.empty()) return BadQuery("URI param /geometry/ used without /georel/");

  GeoQuery query;
  query.relation = rel.relation;
  query.reference = std::move(reference);
  query.max_distance = rel.max_distance;
  query.min_distance = rel.min_distance;
  return query;
}

bool GeoQuery::Matches(const Geometry& location) const {
  switch (relation) {
    case Relation::kNear: {
      // Distance from the reference point to the nearest point of the location, the
      // way MongoDB's $near measures non-point documents. Both bounds are inclusive.
      double d = MinDistanceMetres(reference.Anchor(), location);
      if (max_distance && d > *max_distance) return false;
      if (min_distance && d < *min_distance) return false;
      return true;
    }
    case Relation::kCoveredBy:
    case Relation::kWithin:
      return Covers(reference, location);
    case Relation::kContains:
      return Covers(location, reference);
    case Relation::kIntersects:
      return Intersects(location, reference);
    case Relation::kDisjoint:
      return !Intersects(location, reference);
    case Relation::kEquals:
      return SameShape(location, reference);
    case Relation::kOverlaps:
      // NGSI-LD §4.10 takes overlaps from Simple Features: the shapes share some but
      // not all of their extent, i.e. they intersect and neither covers the other.
      return Intersects(location, reference) && !Covers(reference, location) &&
             !Covers(location, reference);
  }
  return false;
}

BoundingBox GeoQuery::SearchBox() const {
  if (relation == Relation::kDisjoint) return kWholeWorld;
  if (relation != Relation::kNear) {
    // Every other relation needs the location to touch the reference, so it meets the
    // reference's envelope (for contains the location even encloses it).
    return reference.Envelope();
  }
  if (!max_distance) return kWholeWorld;  // only minDistance: anything far away matches
  Position centre = reference.Anchor();
  double angle = *max_distance / kEarthRadiusMetres;  // radians of arc
  double dlat = angle * 180.0 / kPi;
  BoundingBox box{centre.lon, std::max(-90.0, centre.lat - dlat), centre.lon,
                  std::min(90.0, centre.lat + dlat)};
  // The widest longitude span of a spherical cap of radius `angle` around latitude φ is
  // asin(sin(angle)/cos(φ)); when the cap reaches a pole every longitude is in range.
  double cos_lat = std::cos(centre.lat * kPi / 180.0);
  double sin_angle = std::sin(std::min(angle, kPi / 2));
  if (box.max_lat >= 90 || box.min_lat <= -90 || angle >= kPi / 2 || sin_angle >= cos_lat) {
    box.min_lon = -180;
    box.max_lon = 180;
    return box;
  }
  double dlon = std::asin(sin_angle / cos_lat) * 180.0 / kPi;
  box.min_lon = centre.lon - dlon;
  box.max_lon = centre.lon + dlon;
  // BoundingBox cannot wrap the antimeridian; widen to all longitudes instead.
  if (box.min_lon < -180 || box.max_lon > 180) {
    box.min_lon = -180;
    box.max_lon = 180;
  }
  return box;
}

}  // namespace renkei::core::geo
