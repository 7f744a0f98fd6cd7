// NGSI-LD geo-queries (ETSI GS CIM 009 v1.8 §4.10): `georel` (near;maxDistance==1000,
// within, contains, intersects, equals, disjoint, overlaps), a GeoJSON `geometry` name and
// its `coordinates` as JSON text. Shared by GET /entities and by subscription `geoQ`
// (§5.2.13), which is matched in the notify module. Pure; thread-safe.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "core/geo/geo_query.hpp"

namespace renkei::core::geo {

// kBadRequestData, title "BadRequestData", naming what is wrong.
base::Result<GeoQuery> ParseLdGeoQuery(std::string_view georel, std::string_view geometry,
                                       std::string_view coordinates);

}  // namespace renkei::core::geo
