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

  // True when the entity location satisfies the relation against the reference.
  bool Matches(const Geometry& location) const;
  // A box every matching location intersects (for index pre-filtering); the whole world
  // for disjoint.
  BoundingBox SearchBox() const;
};

// NGSIv2: `georel=near;maxDistance:1000`, `geometry=point|line|polygon|box`,
// `coords=lat,lon;lat,lon...`. Errors carry Orion's description texts.
base::Result<GeoQuery> ParseV2GeoQuery(std::string_view georel, std::string_view geometry,
                                       std::string_view coords);

}  // namespace renkei::core::geo
