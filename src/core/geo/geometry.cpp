// Parsing of GeoJSON geometries and of Orion's simple location formats into Geometry,
// plus the small measurements (envelope, anchor, haversine distance) the query side uses.
// Error texts for the NGSIv2 attribute types follow Orion's functional tests
// (1038_ngsiv2_geo_location_entities/errors_*, 1920_geojson, 3347, 4114) because NGSIv2
// clients compare descriptions literally.
#include "core/geo/geometry.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include <boost/json/serialize.hpp>

namespace renkei::core::geo {
namespace {

using base::ErrorCode;
using base::Fail;
using base::Result;
namespace json = boost::json;

constexpr double kPi = 3.14159265358979323846;

// Orion prefixes every description produced while turning an attribute into a location.
constexpr std::string_view kLocationPrefix = "error parsing location attribute: ";

base::Unexpected BadRequest(std::string detail) {
  return Fail(ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

base::Unexpected LocationError(std::string_view detail) {
  return BadRequest(std::string(kLocationPrefix) + std::string(detail));
}

bool InRange(Position p) { return p.lon >= -180 && p.lon <= 180 && p.lat >= -90 && p.lat <= 90; }

// ---- GeoJSON (RFC 7946 §3.1) ----

Result<Position> ParsePosition(const json::value& v) {
  // RFC 7946 §3.1.1: two or more numbers, longitude first; altitude is accepted and ignored.
  const json::array* arr = v.if_array();
  if (arr == nullptr || arr->size() < 2) {
    return BadRequest("GeoJSON position must be an array of at least two numbers");
  }
  for (const json::value& n : *arr) {
    if (!n.is_number()) return BadRequest("GeoJSON position must contain only numbers");
  }
  Position p{(*arr)[0].to_number<double>(), (*arr)[1].to_number<double>()};
  if (!InRange(p)) {
    return BadRequest(
        "GeoJSON position out of range (longitude in [-180,180], latitude in [-90,90])");
  }
  return p;
}

Result<std::vector<Position>> ParsePositions(const json::value& v, std::size_t min_count,
                                             std::string_view what) {
  const json::array* arr = v.if_array();
  if (arr == nullptr) return BadRequest(std::string(what) + " coordinates must be an array");
  if (arr->size() < min_count) {
    return BadRequest(std::string(what) + " needs at least " + std::to_string(min_count) +
                      " positions");
  }
  std::vector<Position> out;
  out.reserve(arr->size());
  for (const json::value& item : *arr) {
    RENKEI_TRY(Position p, ParsePosition(item));
    out.push_back(p);
  }
  return out;
}

// RFC 7946 §3.1.6: a linear ring is closed and has at least four positions.
Result<std::vector<std::vector<Position>>> ParseRings(const json::value& v) {
  const json::array* arr = v.if_array();
  if (arr == nullptr || arr->empty()) {
    return BadRequest("GeoJSON Polygon coordinates must be a non-empty array of rings");
  }
  std::vector<std::vector<Position>> rings;
  for (const json::value& item : *arr) {
    RENKEI_TRY(std::vector<Position> ring, ParsePositions(item, 4, "GeoJSON Polygon ring"));
    if (ring.front() != ring.back()) {
      return BadRequest("GeoJSON Polygon ring must be closed (first and last positions equal)");
    }
    rings.push_back(std::move(ring));
  }
  return rings;
}

Result<std::vector<const json::value*>> NonEmptyArray(const json::value& v, std::string_view what) {
  const json::array* arr = v.if_array();
  if (arr == nullptr || arr->empty()) {
    return BadRequest(std::string(what) + " coordinates must be a non-empty array");
  }
  std::vector<const json::value*> out;
  for (const json::value& item : *arr) out.push_back(&item);
  return out;
}

// ---- Orion simple location format ----

// Orion's number syntax (strtod, surrounding blanks allowed, the whole text consumed).
// Unlike Orion an empty text is not read as 0.
bool ParseNumber(std::string_view text, double& out) {
  std::string s(text);
  std::size_t first = s.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return false;
  char* end = nullptr;
  errno = 0;
  double d = std::strtod(s.c_str() + first, &end);
  if (end == s.c_str() + first || errno == ERANGE || !std::isfinite(d)) return false;
  while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n') ++end;
  if (*end != '\0') return false;
  out = d;
  return true;
}

}  // namespace

bool ParseLatLon(std::string_view text, Position& out) {
  std::size_t comma = text.find(',');
  if (comma == std::string_view::npos) return false;
  double lat = 0;
  double lon = 0;
  if (!ParseNumber(text.substr(0, comma), lat) || !ParseNumber(text.substr(comma + 1), lon)) {
    return false;
  }
  Position p{lon, lat};
  if (!InRange(p)) return false;
  out = p;
  return true;
}

Result<Geometry> ParseGeoJson(const json::value& value) {
  const json::object* obj = value.if_object();
  if (obj == nullptr) return BadRequest("GeoJSON geometry must be an object");
  const json::value* type_v = obj->if_contains("type");
  if (type_v == nullptr || !type_v->is_string()) {
    return BadRequest("GeoJSON geometry needs a string member 'type'");
  }
  std::string_view type = type_v->get_string();
  // Orion (API manual "GeoJSON") supports the six geometry types MongoDB supports.
  // GeometryCollection is rejected there too; Feature wrappers are an NGSIv2 attribute
  // matter (ParseV2GeoAttribute), not a geometry.
  if (type == "GeometryCollection") {
    return BadRequest("GeoJSON type 'GeometryCollection' is not supported");
  }
  if (type == "Feature" || type == "FeatureCollection") {
    return BadRequest("GeoJSON " + std::string(type) + " is not a geometry");
  }
  const json::value* coords = obj->if_contains("coordinates");
  if (coords == nullptr) return BadRequest("GeoJSON geometry needs a member 'coordinates'");

  Geometry g;
  if (type == "Point") {
    g.kind = Geometry::Kind::kPoint;
    RENKEI_TRY(Position p, ParsePosition(*coords));
    g.parts = {{p}};
  } else if (type == "MultiPoint") {
    g.kind = Geometry::Kind::kMultiPoint;
    RENKEI_TRY(std::vector<Position> points, ParsePositions(*coords, 1, "GeoJSON MultiPoint"));
    g.parts = {std::move(points)};
  } else if (type == "LineString") {
    g.kind = Geometry::Kind::kLineString;
    RENKEI_TRY(std::vector<Position> line, ParsePositions(*coords, 2, "GeoJSON LineString"));
    g.parts = {std::move(line)};
  } else if (type == "MultiLineString") {
    g.kind = Geometry::Kind::kMultiLineString;
    RENKEI_TRY(auto lines, NonEmptyArray(*coords, "GeoJSON MultiLineString"));
    for (const json::value* line_v : lines) {
      RENKEI_TRY(std::vector<Position> line,
                 ParsePositions(*line_v, 2, "GeoJSON MultiLineString line"));
      g.parts.push_back(std::move(line));
    }
  } else if (type == "Polygon") {
    g.kind = Geometry::Kind::kPolygon;
    RENKEI_TRY(g.parts, ParseRings(*coords));
  } else if (type == "MultiPolygon") {
    g.kind = Geometry::Kind::kMultiPolygon;
    RENKEI_TRY(auto polygons, NonEmptyArray(*coords, "GeoJSON MultiPolygon"));
    for (const json::value* polygon_v : polygons) {
      RENKEI_TRY(auto rings, ParseRings(*polygon_v));
      g.polygons.push_back(std::move(rings));
    }
  } else {
    return BadRequest("GeoJSON type '" + std::string(type) + "' is not a supported geometry");
  }
  return g;
}

bool IsV2GeoType(std::string_view type) {
  return type == "geo:json" || type == "geo:point" || type == "geo:line" || type == "geo:box" ||
         type == "geo:polygon";
}

namespace {

// Orion 4114_geojson_feature_support: a Feature's geometry (or that of the single Feature
// of a FeatureCollection) becomes the location.
Result<const json::value*> UnwrapFeature(const json::object& obj) {
  const json::value* type_v = obj.if_contains("type");
  std::string_view type = (type_v != nullptr && type_v->is_string())
                              ? std::string_view(type_v->get_string())
                              : std::string_view();
  const json::object* feature = &obj;
  if (type == "FeatureCollection") {
    const json::value* features = obj.if_contains("features");
    if (features == nullptr) return LocationError("features field not found in FeatureCollection");
    if (!features->is_array()) {
      return LocationError("features in FeatureCollection is not an array");
    }
    const json::array& arr = features->get_array();
    if (arr.empty()) return LocationError("features in FeatureCollection has 0 items");
    if (arr.size() > 1) return LocationError("features in FeatureCollection has more than 1 item");
    feature = arr[0].if_object();
    if (feature == nullptr) return LocationError("geometry in Feature not found");
  } else if (type != "Feature") {
    return nullptr;  // a plain geometry
  }
  const json::value* geometry = feature->if_contains("geometry");
  if (geometry == nullptr) return LocationError("geometry in Feature not found");
  if (!geometry->is_object()) return LocationError("geometry in Feature is not an object");
  return geometry;
}

Result<std::vector<Position>> ParseLatLonArray(const json::value& value) {
  const json::array* arr = value.if_array();
  if (arr == nullptr) {
    return LocationError("geo:line, geo:box and geo:polygon needs array of strings as value");
  }
  std::vector<Position> out;
  for (const json::value& item : *arr) {
    if (!item.is_string()) {
      return LocationError(
          "geo:line, geo:box and geo:polygon needs array of strings but some element is not a "
          "string");
    }
    Position p;
    if (!ParseLatLon(item.get_string(), p)) {
      return LocationError("geo coordinates format error [see Orion user manual]: " +
                           std::string(item.get_string()));
    }
    out.push_back(p);
  }
  return out;
}

}  // namespace

Geometry MakeBoxPolygon(Position a, Position b) {
  double min_lon = std::min(a.lon, b.lon);
  double max_lon = std::max(a.lon, b.lon);
  double min_lat = std::min(a.lat, b.lat);
  double max_lat = std::max(a.lat, b.lat);
  Geometry g;
  g.kind = Geometry::Kind::kPolygon;
  g.parts = {{{min_lon, min_lat},
              {min_lon, max_lat},
              {max_lon, max_lat},
              {max_lon, min_lat},
              {min_lon, min_lat}}};
  return g;
}

Result<Geometry> ParseV2GeoAttribute(std::string_view type, const json::value& value) {
  if (type == "geo:json") {
    // Orion's parse layer accepts only an object (or null, handled by the caller).
    const json::object* obj = value.if_object();
    if (obj == nullptr) return BadRequest("geo:json needs an object or null as value");
    RENKEI_TRY(const json::value* feature_geometry, UnwrapFeature(*obj));
    auto g = ParseGeoJson(feature_geometry != nullptr ? *feature_geometry : value);
    // Orion leaves GeoJSON validation to MongoDB and answers every rejection with the
    // same text (3347_createEntity_with_wrong_GeoJSON).
    if (!g) return BadRequest("Wrong GeoJson");
    return g;
  }
  if (type == "geo:point") {
    Position p;
    std::string text = value.is_string() ? std::string(value.get_string()) : json::serialize(value);
    if (!value.is_string() || !ParseLatLon(text, p)) {
      return LocationError("geo coordinates format error [see Orion user manual]: " + text);
    }
    Geometry g;
    g.parts = {{p}};
    return g;
  }
  if (type != "geo:line" && type != "geo:box" && type != "geo:polygon") {
    return BadRequest("attribute type '" + std::string(type) + "' is not a geo type");
  }
  RENKEI_TRY(std::vector<Position> points, ParseLatLonArray(value));
  Geometry g;
  if (type == "geo:line") {
    if (points.size() < 2) return LocationError("geo:line uses at least 2 coordinates");
    g.kind = Geometry::Kind::kLineString;
    g.parts = {std::move(points)};
    return g;
  }
  if (type == "geo:box") {
    // The two texts are opposite corners in any order; Orion rejects boxes of zero
    // width or height.
    if (points.size() != 2) return LocationError("geo:box uses exactly 2 coordinates");
    if (points[0].lat == points[1].lat || points[0].lon == points[1].lon) {
      return LocationError("geo:box coordinates are not defining an actual box");
    }
    return MakeBoxPolygon(points[0], points[1]);
  }
  if (points.size() < 4) return LocationError("geo:polygon uses at least 4 coordinates");
  if (points.front() != points.back()) {
    return LocationError("geo:polygon first and last coordinates must match");
  }
  g.kind = Geometry::Kind::kPolygon;
  g.parts = {std::move(points)};
  return g;
}

BoundingBox Geometry::Envelope() const {
  BoundingBox box{180, 90, -180, -90};
  auto extend = [&box](const std::vector<Position>& positions) {
    for (Position p : positions) {
      box.min_lon = std::min(box.min_lon, p.lon);
      box.min_lat = std::min(box.min_lat, p.lat);
      box.max_lon = std::max(box.max_lon, p.lon);
      box.max_lat = std::max(box.max_lat, p.lat);
    }
  };
  for (const auto& part : parts) extend(part);
  for (const auto& polygon : polygons) {
    for (const auto& ring : polygon) extend(ring);
  }
  return box;
}

Position Geometry::Anchor() const {
  if (!parts.empty() && !parts.front().empty()) return parts.front().front();
  if (!polygons.empty() && !polygons.front().empty() && !polygons.front().front().empty()) {
    return polygons.front().front().front();
  }
  return Position{};
}

double DistanceMetres(Position a, Position b) {
  auto radians = [](double degrees) { return degrees * kPi / 180.0; };
  double dlat = radians(b.lat - a.lat);
  double dlon = radians(b.lon - a.lon);
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(radians(a.lat)) *
                                                           std::cos(radians(b.lat)) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  // Clamp: rounding can push h a hair above 1 for antipodal points.
  h = std::clamp(h, 0.0, 1.0);
  return 2 * kEarthRadiusMetres * std::asin(std::sqrt(h));
}

}  // namespace renkei::core::geo
