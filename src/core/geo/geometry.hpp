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

// Parses a GeoJSON geometry object. kBadRequestData on anything else.
base::Result<Geometry> ParseGeoJson(const boost::json::value& json);

// Parses the value of an NGSIv2 attribute whose type is one of geo:json, geo:point,
// geo:line, geo:box, geo:polygon. `type` must be one of those (see IsV2GeoType).
base::Result<Geometry> ParseV2GeoAttribute(std::string_view type, const boost::json::value& value);
bool IsV2GeoType(std::string_view type);

// Great-circle distance in metres (haversine, mean Earth radius 6371008.8 m).
double DistanceMetres(Position a, Position b);

}  // namespace renkei::core::geo
