// Row-level writes and reads of entities with their secondary indexes: the entities table,
// the attribute-value index (attr_index), the geo index (geo_shapes + geo_index R*Tree) and
// the types besides the primary one (entity_types).
// Every function works on the given connection inside the caller's transaction.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/geo/geometry.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/indexed_names.hpp"

namespace renkei::store::sqlite {

// One attr_index row: the attribute's value as the q evaluator compares it (entity_rows.cpp
// AttributeRows says how each JSON value maps).
struct AttrRow {
  std::optional<double> num;
  std::optional<std::string> txt;
  bool opaque = false;
  bool operator==(const AttrRow&) const = default;
};

// One geo index row: a GeoProperty's bounding box as the R*Tree holds it (32-bit floats
// rounded outward); `is_default` marks the entity's first GeoProperty.
// A Point is kept exactly in `point` and indexed in geo_points by its Z-order cell
// (geo_cell.hpp, migration 16); other geometries go to the R*Tree.
struct GeoRow {
  std::string name;
  bool is_default = false;
  double box[4] = {0, 0, 0, 0};  // min_lon, max_lon, min_lat, max_lat
  std::optional<core::geo::Position> point;
  bool operator==(const GeoRow& o) const;
};

// The row id and the index rows of one stored entity, as its document implies them. A write
// unit that has just read an entity hands them to PutEntityRow, which then updates the row by
// id and touches only the index rows that differ, without reading them back: a PATCH costs
// one read of the entity instead of four lookups.
struct IndexedEntity {
  std::int64_t eid = 0;
  std::map<std::string, AttrRow, std::less<>> attrs;
  std::vector<GeoRow> geo;
  std::vector<std::string> secondary_types;  // entity_types rows: the types after the primary
};
// Only names in `indexed` have attr_index rows.
IndexedEntity IndexRowsOf(std::int64_t eid, const core::Entity& stored,
                          const IndexedNames& indexed);

// Inserts or replaces by key (tenant, id, primary type, service path). A replaced entity
// keeps its row id, so creation order (the default order) is the order keys first appeared.
// `previous`, when given, must be IndexRowsOf the stored entity with this key, read in the
// same transaction with the same `indexed`; without it the current rows are read. `doc`,
// when given, must be core::EncodeEntity(entity) (the write log has it already). attr_index
// rows are written for the names in `indexed` only. Returns the entity's rows now.
base::Result<IndexedEntity> PutEntityRow(Connection& conn, std::int64_t tenant,
                                         const core::Entity& entity, const IndexedNames& indexed,
                                         const IndexedEntity* previous = nullptr,
                                         const std::string* doc = nullptr);
// Deletes by key; false when absent.
base::Result<bool> EraseEntityRow(Connection& conn, std::int64_t tenant, std::string_view id,
                                  std::string_view type, std::string_view service_path);
// Deletes every entity whose expires <= now in all tenants; returns how many. `on_purged`
// (may be empty) gets each removed entity's tenant and stored document, in the same
// transaction (the change journal records the deletion).
using PurgedEntity = std::function<base::Result<void>(std::int64_t tenant, std::string_view doc)>;
base::Result<std::size_t> PurgeExpiredRows(Connection& conn, base::Timestamp now,
                                           const PurgedEntity& on_purged = {});

// Rewrites every geo index row (geo_points, geo_shapes, geo_index) from the documents (schema
// migration 16).
base::Result<void> RebuildGeoIndex(Connection& conn);
// Rewrites every attr_index row, of every name, from the entities' documents (schema
// migration 2; a switch to ValueIndexPolicy::kAll).
base::Result<void> RebuildAttributeIndex(Connection& conn);
// Writes the attr_index rows of `name` for the tenant's entities after row id `after_eid`,
// at most `limit` entities in row-id order (building a value index, ADR 0018).
struct Backfilled {
  std::int64_t last_eid = 0;  // the last row id read (`after_eid` when none was left)
  std::size_t entities = 0;   // how many were read (fewer than `limit`: none is left)
};
base::Result<Backfilled> BackfillAttributeRows(Connection& conn, std::int64_t tenant,
                                               const std::string& name, std::int64_t after_eid,
                                               std::size_t limit);
// The attribute holding the entity's location: the GeoProperty named `geo_attribute`, or the
// first GeoProperty when the name is empty. nullptr when there is none.
const core::Attribute* LocationAttribute(const core::Entity& entity,
                                         std::string_view geo_attribute);
// Parses a GeoProperty's value: Orion's geo:* forms by v2 type, otherwise GeoJSON.
base::Result<core::geo::Geometry> ParseLocation(const core::Attribute& attr);

}  // namespace renkei::store::sqlite
