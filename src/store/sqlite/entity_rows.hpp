// Row-level writes and reads of entities with their secondary indexes: the entities table,
// the attribute-value index (attr_index) and the geo index (geo_shapes + geo_index R*Tree).
// Every function works on the given connection inside the caller's transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/geo/geometry.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// Inserts or replaces by key (tenant, id, primary type, service path). A replaced entity
// keeps its row id, so creation order (the default order) is the order keys first appeared.
base::Result<void> PutEntityRow(Connection& conn, std::int64_t tenant, const core::Entity& entity);
// Deletes by key; false when absent.
base::Result<bool> EraseEntityRow(Connection& conn, std::int64_t tenant, std::string_view id,
                                  std::string_view type, std::string_view service_path);
// Deletes every entity whose expires <= now in all tenants; returns how many.
base::Result<std::size_t> PurgeExpiredRows(Connection& conn, base::Timestamp now);

// Rewrites every attr_index row from the entities' documents (schema migration 2).
base::Result<void> RebuildAttributeIndex(Connection& conn);
// The attribute holding the entity's location: the GeoProperty named `geo_attribute`, or the
// first GeoProperty when the name is empty. nullptr when there is none.
const core::Attribute* LocationAttribute(const core::Entity& entity,
                                         std::string_view geo_attribute);
// Parses a GeoProperty's value: Orion's geo:* forms by v2 type, otherwise GeoJSON.
base::Result<core::geo::Geometry> ParseLocation(const core::Attribute& attr);

}  // namespace renkei::store::sqlite
