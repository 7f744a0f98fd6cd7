// Geographical queries (Orion API manual "Geographical Queries"; NGSI-LD §4.10):
// a relation (georel), a reference geometry, and for `near` the distance bounds.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.hpp"
#include "core/geo/geometry.hpp"

namespace renkei::core::geo {

enum class Relation {
  kNear,
  kCoveredBy,
  kIntersects,
  kEquals,
  kDisjoint,
  kWithin,
  kContains,
  kOverlaps
};

struct GeoQuery {
  Relation relation = Relation::kIntersects;
  Geometry reference;
  std::optional<double> max_distance;  // metres, near only
  std::optional<double> min_distance;  // metres, near only

  // True when the entity location satisfies the relation against the reference:
  //   near        nearest point of the location to the reference point (haversine) within
  //               [min_distance, max_distance], both inclusive, either bound optional;
  //   coveredBy, within   every point of the location inside the reference, border
  //               included; contains   the reverse (the location covers the reference);
  //   intersects  at least one shared point; disjoint   none; equals   same geometry
  //               (see SameShape in planar_predicates.hpp);
  //   overlaps    they intersect and neither covers the other.
  // Predicates are planar on lon/lat (README.md). Pure; safe to call concurrently.
  bool Matches(const Geometry& location) const;
  // A box every matching location intersects (for index pre-filtering); the whole world
  // for disjoint and for near without max_distance. For near the box encloses the
  // spherical cap of radius max_distance; it spans all longitudes when the cap reaches a
  // pole or crosses the antimeridian (BoundingBox does not wrap).
  BoundingBox SearchBox() const;
};

// NGSIv2: `georel=near;maxDistance:1000`, `geometry=point|line|polygon|box`,
// `coords=lat,lon;lat,lon...`; pass "" for an absent parameter. Errors are
// kBadRequestData, title "BadRequest", with Orion's description text in `detail` but
// without the prefix Orion adds per context: the caller prepends "Invalid query: " for
// GET /v2/entities, "error parsing geo-query fields: " for subscriptions (whose
// "partial geo expression" check is the caller's too). Checked in Orion's order:
// parameter presence, geometry name, georel, geometry/georel combination (coveredBy needs
// polygon or box, near needs point), coords syntax, coords count. Unlike Orion, a query
// without georel is rejected ("URI param /geometry/ used without /georel/") instead of
// silently matching everything, and out-of-range coordinates fail as
// "invalid coordinates".
base::Result<GeoQuery> ParseV2GeoQuery(std::string_view georel, std::string_view geometry,
                                       std::string_view coords);

}  // namespace renkei::core::geo
