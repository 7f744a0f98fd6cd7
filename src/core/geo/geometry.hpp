// Geometries as NGSIv2 and NGSI-LD carry them: GeoJSON (RFC 7946) and Orion's simple
// location types geo:point ("lat, lon" text), geo:line, geo:box, geo:polygon (arrays of
// "lat, lon" texts). Coordinates are WGS84 longitude/latitude in degrees.
#pragma once

#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace renkei::core::geo {

struct Position {
  double lon = 0;
  double lat = 0;
  bool operator==(const Position&) const = default;
};

struct BoundingBox {
  double min_lon = 0, min_lat = 0, max_lon = 0, max_lat = 0;
};

struct Geometry {
  enum class Kind { kPoint, kMultiPoint, kLineString, kMultiLineString, kPolygon, kMultiPolygon };
  Kind kind = Kind::kPoint;
  // Point: parts={{p}}; MultiPoint: parts={{p1,p2,...}}; LineString: parts={{...}};
  // MultiLineString: one part per line; Polygon: one part per ring (first is the shell);
  // MultiPolygon: polygons[i] holds the rings of polygon i.
  std::vector<std::vector<Position>> parts;
  std::vector<std::vector<std::vector<Position>>> polygons;  // kMultiPolygon only

  BoundingBox Envelope() const;
  // A representative point (the first position), used for distance ordering.
  Position Anchor() const;
};

// Mean Earth radius (IUGG), used by DistanceMetres and by GeoQuery::SearchBox.
inline constexpr double kEarthRadiusMetres = 6371008.8;

// Parses a GeoJSON geometry object. kBadRequestData on anything else.
// Accepts Point, MultiPoint, LineString, MultiLineString, Polygon, MultiPolygon (the set
// Orion supports); rejects GeometryCollection, Feature, FeatureCollection and unknown
// types. Positions need two or more numbers (altitude ignored), longitude in [-180,180],
// latitude in [-90,90]; lines need >= 2 positions; polygon rings are closed with >= 4
// positions; multi geometries are non-empty. Detail texts are renkei's own.
base::Result<Geometry> ParseGeoJson(const boost::json::value& json);

// Parses the value of an NGSIv2 attribute whose type is one of geo:json, geo:point,
// geo:line, geo:box, geo:polygon. `type` must be one of those (see IsV2GeoType).
// geo:json also accepts a Feature or a FeatureCollection with exactly one Feature, whose
// geometry becomes the location (Orion API manual "GeoJSON"). geo:box becomes a Polygon.
// Errors are kBadRequestData, title "BadRequest", with Orion's complete description in
// `detail` (e.g. "error parsing location attribute: geo:box uses exactly 2 coordinates",
// "Wrong GeoJson"). A JSON null is not a location: Orion accepts null for these types
// and the entity then has no location, so callers test value.is_null() first; passing
// null here yields an error.
base::Result<Geometry> ParseV2GeoAttribute(std::string_view type, const boost::json::value& value);
bool IsV2GeoType(std::string_view type);

// Reads Orion's "lat, lon" text (blanks around numbers allowed). False when malformed or
// out of range; `out` is untouched then.
bool ParseLatLon(std::string_view text, Position& out);

// The Polygon for the box with opposite corners a and b (any order), ring starting at
// the south-west corner.
Geometry MakeBoxPolygon(Position a, Position b);

// Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m).
double DistanceMetres(Position a, Position b);

}  // namespace renkei::core::geo
