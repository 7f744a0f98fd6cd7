#include "store/sqlite/entity_rows.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <vector>

#include "base/time.hpp"
#include "core/entity_codec.hpp"
#include "store/sqlite/geo_cell.hpp"

namespace renkei::store::sqlite {
namespace {

base::Result<void> DropGeoRows(Connection& conn, std::int64_t eid) {
  RENKEI_TRY(Statement * points, conn.Prepare("DELETE FROM geo_points WHERE entity = ?"));
  {
    StatementLease points_lease(*points);
    points->Bind(1, eid);
    RENKEI_TRY_VOID(points->Run());
  }
  RENKEI_TRY(Statement * rtree, conn.Prepare("DELETE FROM geo_index WHERE shape IN "
                                             "(SELECT shape FROM geo_shapes WHERE entity = ?)"));
  StatementLease rtree_lease(*rtree);
  rtree->Bind(1, eid);
  RENKEI_TRY_VOID(rtree->Run());
  RENKEI_TRY(Statement * shapes, conn.Prepare("DELETE FROM geo_shapes WHERE entity = ?"));
  StatementLease shapes_lease(*shapes);
  shapes->Bind(1, eid);
  return shapes->Run();
}

// Removes the entity's rows from the attribute and geo indexes (before a delete).
base::Result<void> DropIndexRows(Connection& conn, std::int64_t eid) {
  RENKEI_TRY(Statement * attrs, conn.Prepare("DELETE FROM attr_index WHERE entity = ?"));
  StatementLease attrs_lease(*attrs);
  attrs->Bind(1, eid);
  RENKEI_TRY_VOID(attrs->Run());
  return DropGeoRows(conn, eid);
}

// The q evaluator (core/q/filter.cpp) compares a DateTime/ISO8601 attribute whose string
// parses as an instant as that instant in seconds since the epoch, like Orion.
bool IsDateType(std::string_view type) { return type == "DateTime" || type == "ISO8601"; }

// One attr_index row per top-level attribute name, holding the value as the q evaluator
// compares it (core/q/filter.cpp ResolveItem), so value comparisons pushed into SQL are exact:
// - a number in `num`; a DateTime/ISO8601 string that parses, as seconds in `num`;
// - any other string in `txt`;
// - booleans, null and objects: both NULL (no number or string comparison can match them);
// - arrays (an element may match) and names that occur more than once (NGSI-LD datasetIds):
//   both NULL and `opaque` = 1: SQL cannot decide them, C++ re-checks (see sql_where.cpp).
// Only names in `indexed` get a row (ADR 0018).
using AttrRows = std::map<std::string, AttrRow, std::less<>>;

AttrRows AttributeRows(const core::Entity& entity, const IndexedNames& indexed) {
  AttrRows rows;
  std::set<std::string_view> duplicated;
  for (const auto& a : entity.attributes) {
    if (!indexed.Contains(a.name)) continue;
    if (rows.contains(a.name)) {
      duplicated.insert(a.name);
      continue;
    }
    AttrRow row;
    row.opaque = a.value.is_array();
    if (a.value.is_number()) {
      row.num = a.value.to_number<double>();
    } else if (a.value.is_string()) {
      std::string_view text(a.value.get_string());
      std::optional<base::Timestamp> instant;
      if (IsDateType(a.type)) instant = base::ParseIso8601(text);
      if (instant) {
        row.num = static_cast<double>(instant->millis) / 1000.0;
      } else {
        row.txt = std::string(text);
      }
    }
    rows.emplace(a.name, std::move(row));
  }
  for (auto name : duplicated) rows[std::string(name)] = AttrRow{std::nullopt, std::nullopt, true};
  return rows;
}

// The entity's attr_index rows as stored.
base::Result<AttrRows> ReadAttributeRows(Connection& conn, std::int64_t eid) {
  AttrRows rows;
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT name, num, txt, opaque FROM attr_index WHERE entity = ?"));
  StatementLease lease(*select);
  select->Bind(1, eid);
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    AttrRow row;
    if (!select->ColumnIsNull(1)) row.num = select->ColumnDouble(1);
    if (!select->ColumnIsNull(2)) row.txt = std::string(select->ColumnText(2));
    row.opaque = select->ColumnInt(3) != 0;
    rows.emplace(std::string(select->ColumnText(0)), std::move(row));
  }
  return rows;
}

// Binds a row's value columns as parameters 1-3 (num, txt, opaque) of an attr_index statement.
void BindAttrValue(Statement& s, const AttrRow& row) {
  if (row.num) {
    s.Bind(1, *row.num);
  } else {
    s.BindNull(1);
  }
  if (row.txt) {
    s.Bind(2, *row.txt);
  } else {
    s.BindNull(2);
  }
  s.Bind(3, std::int64_t{row.opaque ? 1 : 0});
}

// Brings the entity's attr_index rows from `existing` to `wanted`, touching only rows that
// change: a PATCH of two attributes rewrites two rows (and their value-index entries), not
// all of them, which keeps the pages each group commit writes to the WAL few.
base::Result<void> SyncAttributeIndex(Connection& conn, std::int64_t tenant, std::int64_t eid,
                                      const AttrRows& wanted, const AttrRows& existing) {
  for (const auto& [name, row] : existing) {
    if (wanted.contains(name)) continue;
    RENKEI_TRY(Statement * erase,
               conn.Prepare("DELETE FROM attr_index WHERE entity = ? AND name = ?"));
    StatementLease lease(*erase);
    erase->Bind(1, eid);
    erase->Bind(2, name);
    RENKEI_TRY_VOID(erase->Run());
  }
  // A row that exists is updated by its key and a new one inserted: an upsert would first
  // try the insert, find the conflict in the (entity, name) key and then seek it again for
  // the update (two descents instead of one per changed attribute).
  RENKEI_TRY(Statement * update, conn.Prepare("UPDATE attr_index SET num = ?, txt = ?, opaque = ? "
                                              "WHERE entity = ? AND name = ?"));
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO attr_index(num, txt, opaque, entity, name, tenant) "
                          "VALUES (?, ?, ?, ?, ?, ?)"));
  auto write = [&](Statement& s, const std::string& name, const AttrRow& row) {
    StatementLease lease(s);
    BindAttrValue(s, row);
    s.Bind(4, eid);
    s.Bind(5, name);
    if (&s == insert) s.Bind(6, tenant);
    return s.Run();
  };
  for (const auto& [name, row] : wanted) {
    auto it = existing.find(name);
    if (it == existing.end()) {
      RENKEI_TRY_VOID(write(*insert, name, row));
      continue;
    }
    if (it->second == row) continue;
    RENKEI_TRY_VOID(write(*update, name, row));
    // `existing` comes from the stored document when the unit read the entity: should its
    // row be missing all the same, it is inserted rather than silently left out.
    if (conn.LastChanges() == 0) RENKEI_TRY_VOID(write(*insert, name, row));
  }
  return base::Ok();
}

// Every attr_index row of an entity that has none yet.
base::Result<void> WriteAttributeIndex(Connection& conn, std::int64_t tenant, std::int64_t eid,
                                       const core::Entity& entity, const IndexedNames& indexed) {
  return SyncAttributeIndex(conn, tenant, eid, AttributeRows(entity, indexed), AttrRows{});
}

// SQLite's R*Tree stores 32-bit floats rounded outward (rtree.c rtreeValueDown/Up); the
// same rounding lets a stored box be compared with a new one.
double RtreeDown(double d) {
  auto f = static_cast<float>(d);
  if (f > d) f = static_cast<float>(d * (d < 0 ? 1.0 + 1.0 / 8388608.0 : 1.0 - 1.0 / 8388608.0));
  return f;
}
double RtreeUp(double d) {
  auto f = static_cast<float>(d);
  if (f < d) f = static_cast<float>(d * (d < 0 ? 1.0 - 1.0 / 8388608.0 : 1.0 + 1.0 / 8388608.0));
  return f;
}

// The geo index rows of an entity: the bounding box of every GeoProperty, so a query on a
// named geo attribute can use the R*Tree too; `is_default` marks the first one (the
// entity's location). Computed once per write and used both to compare and to insert.
std::vector<GeoRow> GeoRowsOf(const core::Entity& entity) {
  std::vector<GeoRow> rows;
  bool first = true;
  for (const auto& a : entity.attributes) {
    if (a.kind != core::AttributeKind::kGeoProperty) continue;
    bool is_default = first;
    first = false;
    auto geometry = ParseLocation(a);
    // An unparsable location is stored as written; it simply matches no geo-query.
    if (!geometry) continue;
    auto box = geometry->Envelope();
    std::optional<core::geo::Position> point;
    if (geometry->kind == core::geo::Geometry::Kind::kPoint) point = geometry->Anchor();
    rows.push_back(GeoRow{a.name,
                          is_default,
                          {RtreeDown(box.min_lon), RtreeUp(box.max_lon), RtreeDown(box.min_lat),
                           RtreeUp(box.max_lat)},
                          point});
  }
  return rows;
}

// A point's row in geo_points (OR IGNORE: two instances of one name at the same point, NGSI-LD
// datasetIds, need one row to be found).
base::Result<void> WritePointRow(Connection& conn, std::int64_t tenant, std::int64_t eid,
                                 const GeoRow& row) {
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT OR IGNORE INTO geo_points(tenant, cell, entity, name, "
                          "is_default, lon, lat) VALUES (?, ?, ?, ?, ?, ?, ?)"));
  StatementLease lease(*insert);
  insert->Bind(1, tenant);
  insert->Bind(2, GeoCellOf(row.point->lon, row.point->lat));
  insert->Bind(3, eid);
  insert->Bind(4, row.name);
  insert->Bind(5, std::int64_t{row.is_default ? 1 : 0});
  insert->Bind(6, row.point->lon);
  insert->Bind(7, row.point->lat);
  return insert->Run();
}

base::Result<void> WriteGeoRows(Connection& conn, std::int64_t tenant, std::int64_t eid,
                                const std::vector<GeoRow>& rows) {
  for (const auto& row : rows) {
    if (row.point) {
      RENKEI_TRY_VOID(WritePointRow(conn, tenant, eid, row));
      continue;
    }
    RENKEI_TRY(Statement * shape,
               conn.Prepare("INSERT INTO geo_shapes(entity, name, is_default) VALUES (?, ?, ?)"));
    StatementLease shape_lease(*shape);
    shape->Bind(1, eid);
    shape->Bind(2, row.name);
    shape->Bind(3, std::int64_t{row.is_default ? 1 : 0});
    RENKEI_TRY_VOID(shape->Run());
    const std::int64_t shape_id = conn.LastInsertRowid();
    RENKEI_TRY(Statement * rtree,
               conn.Prepare("INSERT INTO geo_index(shape, min_lon, max_lon, min_lat, max_lat) "
                            "VALUES (?, ?, ?, ?, ?)"));
    StatementLease rtree_lease(*rtree);
    rtree->Bind(1, shape_id);
    for (int i = 0; i < 4; ++i) rtree->Bind(i + 2, row.box[i]);
    RENKEI_TRY_VOID(rtree->Run());
  }
  return base::Ok();
}

// Whether the geo index already holds exactly these rows (a PATCH of other attributes then
// leaves it alone). Compared as sets: points and shapes live in two tables.
base::Result<bool> GeoRowsMatch(Connection& conn, std::int64_t eid,
                                const std::vector<GeoRow>& wanted) {
  std::vector<GeoRow> stored;
  RENKEI_TRY(Statement * shapes,
             conn.Prepare("SELECT s.name, s.is_default, g.min_lon, g.max_lon, g.min_lat, "
                          "g.max_lat FROM geo_shapes s JOIN geo_index g ON g.shape = s.shape "
                          "WHERE s.entity = ?"));
  {
    StatementLease lease(*shapes);
    shapes->Bind(1, eid);
    for (;;) {
      RENKEI_TRY(bool has_row, shapes->Step());
      if (!has_row) break;
      stored.push_back(GeoRow{std::string(shapes->ColumnText(0)),
                              shapes->ColumnInt(1) != 0,
                              {shapes->ColumnDouble(2), shapes->ColumnDouble(3),
                               shapes->ColumnDouble(4), shapes->ColumnDouble(5)},
                              std::nullopt});
    }
  }
  RENKEI_TRY(Statement * points,
             conn.Prepare("SELECT name, is_default, lon, lat FROM geo_points WHERE entity = ?"));
  {
    StatementLease lease(*points);
    points->Bind(1, eid);
    for (;;) {
      RENKEI_TRY(bool has_row, points->Step());
      if (!has_row) break;
      const double lon = points->ColumnDouble(2);
      const double lat = points->ColumnDouble(3);
      stored.push_back(GeoRow{std::string(points->ColumnText(0)),
                              points->ColumnInt(1) != 0,
                              {RtreeDown(lon), RtreeUp(lon), RtreeDown(lat), RtreeUp(lat)},
                              core::geo::Position{lon, lat}});
    }
  }
  if (stored.size() != wanted.size()) return false;
  auto key = [](const GeoRow& r) {
    return std::make_tuple(r.name, r.is_default, r.box[0], r.box[1], r.box[2], r.box[3],
                           r.point.has_value());
  };
  auto by_key = [&](const GeoRow& a, const GeoRow& b) { return key(a) < key(b); };
  std::vector<GeoRow> expected = wanted;
  std::sort(stored.begin(), stored.end(), by_key);
  std::sort(expected.begin(), expected.end(), by_key);
  return stored == expected;
}

// What the geo index holds for an entity compared with what it should hold.
enum class StoredGeo { kCurrent, kNone, kStale };

// Brings both indexes of the entity to `now`: attr_index from `stored_attrs`, the geo rows
// from `stored_geo`.
base::Result<void> SyncIndexes(Connection& conn, std::int64_t tenant, const IndexedEntity& now,
                               const AttrRows& stored_attrs, StoredGeo stored_geo) {
  RENKEI_TRY_VOID(SyncAttributeIndex(conn, tenant, now.eid, now.attrs, stored_attrs));
  switch (stored_geo) {
    case StoredGeo::kCurrent:
      return base::Ok();
    case StoredGeo::kStale:
      RENKEI_TRY_VOID(DropGeoRows(conn, now.eid));
      [[fallthrough]];
    case StoredGeo::kNone:
      return WriteGeoRows(conn, tenant, now.eid, now.geo);
  }
  return base::Ok();
}

StoredGeo Compare(bool current) { return current ? StoredGeo::kCurrent : StoredGeo::kStale; }

// The entity's types besides the primary one into entity_types (schema migration 3), after
// dropping what an existing row had there (`replace`). Most entities have one type: then
// this writes nothing.
base::Result<void> WriteSecondaryTypes(Connection& conn, std::int64_t eid,
                                       const std::vector<std::string>& types, bool replace) {
  if (replace) {
    RENKEI_TRY(Statement * drop, conn.Prepare("DELETE FROM entity_types WHERE entity = ?"));
    StatementLease lease(*drop);
    drop->Bind(1, eid);
    RENKEI_TRY_VOID(drop->Run());
  }
  for (const auto& type : types) {
    RENKEI_TRY(Statement * add,
               conn.Prepare("INSERT OR IGNORE INTO entity_types(type, entity) VALUES (?, ?)"));
    StatementLease lease(*add);
    add->Bind(1, type);
    add->Bind(2, eid);
    RENKEI_TRY_VOID(add->Run());
  }
  return base::Ok();
}

}  // namespace

bool GeoRow::operator==(const GeoRow& o) const {
  return name == o.name && is_default == o.is_default && box[0] == o.box[0] && box[1] == o.box[1] &&
         box[2] == o.box[2] && box[3] == o.box[3] && point == o.point;
}

IndexedEntity IndexRowsOf(std::int64_t eid, const core::Entity& stored,
                          const IndexedNames& indexed) {
  std::vector<std::string> secondary;
  for (const auto& type : stored.types) {
    if (type != stored.PrimaryType()) secondary.push_back(type);
  }
  return IndexedEntity{eid, AttributeRows(stored, indexed), GeoRowsOf(stored),
                       std::move(secondary)};
}

base::Result<IndexedEntity> PutEntityRow(Connection& conn, std::int64_t tenant,
                                         const core::Entity& entity, const IndexedNames& indexed,
                                         const IndexedEntity* previous,
                                         const std::string* encoded) {
  const std::string own = encoded == nullptr ? core::EncodeEntity(entity) : std::string();
  const std::string& doc = encoded == nullptr ? own : *encoded;
  IndexedEntity now = IndexRowsOf(0, entity, indexed);
  auto bind_times_and_doc = [&](Statement& s, int first) {
    s.Bind(first, entity.created_at.millis);
    s.Bind(first + 1, entity.modified_at.millis);
    if (entity.expires_at) {
      s.Bind(first + 2, entity.expires_at->millis);
    } else {
      s.BindNull(first + 2);
    }
    s.Bind(first + 3, doc);
  };
  if (previous != nullptr) {
    // The row exists (read in this transaction): update it by row id.
    RENKEI_TRY(Statement * update,
               conn.Prepare("UPDATE entities SET created = ?, modified = ?, expires = ?, "
                            "doc = ? WHERE eid = ?"));
    StatementLease lease(*update);
    bind_times_and_doc(*update, 1);
    update->Bind(5, previous->eid);
    RENKEI_TRY_VOID(update->Run());
    now.eid = previous->eid;
    RENKEI_TRY_VOID(
        SyncIndexes(conn, tenant, now, previous->attrs, Compare(now.geo == previous->geo)));
    // The unit read the stored types too: entity_types changes only when they did (a PATCH
    // of values writes nothing there).
    if (now.secondary_types != previous->secondary_types) {
      RENKEI_TRY_VOID(WriteSecondaryTypes(conn, now.eid, now.secondary_types, true));
    }
    return now;
  }
  // A new key: the insert returns its row id and there are no index rows to compare with.
  // Without RETURNING (Connection::LastInsertRowid): a conflict changes no row.
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO entities(tenant, id, type, service_path, created, "
                          "modified, expires, doc) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT(tenant, id, type, service_path) DO NOTHING"));
  std::optional<std::int64_t> inserted;
  {
    StatementLease lease(*insert);
    insert->Bind(1, tenant);
    insert->Bind(2, entity.id);
    insert->Bind(3, entity.PrimaryType());
    insert->Bind(4, entity.service_path);
    bind_times_and_doc(*insert, 5);
    RENKEI_TRY_VOID(insert->Run());
    if (conn.LastChanges() == 1) inserted = conn.LastInsertRowid();
  }
  if (inserted) {
    now.eid = *inserted;
    RENKEI_TRY_VOID(SyncIndexes(conn, tenant, now, AttrRows{}, StoredGeo::kNone));
    RENKEI_TRY_VOID(WriteSecondaryTypes(conn, now.eid, now.secondary_types, false));
    return now;
  }
  // The key exists but the caller did not read it: find its row id and index rows.
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE entities SET created = ?, modified = ?, expires = ?, doc = ? "
                          "WHERE tenant = ? AND id = ? AND type = ? AND service_path = ? "
                          "RETURNING eid"));
  {
    StatementLease lease(*update);
    bind_times_and_doc(*update, 1);
    update->Bind(5, tenant);
    update->Bind(6, entity.id);
    update->Bind(7, entity.PrimaryType());
    update->Bind(8, entity.service_path);
    RENKEI_TRY(bool has_row, update->Step());
    if (!has_row) return SqliteFailure(conn.handle(), "update of an existing key found no row");
    now.eid = update->ColumnInt(0);
    RENKEI_TRY_VOID(update->Run());
  }
  // Rows of names no longer indexed cannot exist (a name leaves the catalog only when the
  // policy changes, which rebuilds or catalogues every row), so the stored rows compare.
  RENKEI_TRY(AttrRows stored_attrs, ReadAttributeRows(conn, now.eid));
  RENKEI_TRY(bool geo_current, GeoRowsMatch(conn, now.eid, now.geo));
  RENKEI_TRY_VOID(SyncIndexes(conn, tenant, now, stored_attrs, Compare(geo_current)));
  RENKEI_TRY_VOID(WriteSecondaryTypes(conn, now.eid, now.secondary_types, true));
  return now;
}

base::Result<bool> EraseEntityRow(Connection& conn, std::int64_t tenant, std::string_view id,
                                  std::string_view type, std::string_view service_path) {
  // The row id first, then the delete by it: `DELETE ... RETURNING` would open, fill and close
  // an ephemeral table per entity (Connection::LastInsertRowid).
  RENKEI_TRY(Statement * find,
             conn.Prepare("SELECT eid FROM entities WHERE tenant = ? AND id = ? AND type = ? AND "
                          "service_path = ?"));
  std::int64_t eid = 0;
  {
    StatementLease lease(*find);
    find->Bind(1, tenant);
    find->Bind(2, id);
    find->Bind(3, type);
    find->Bind(4, service_path);
    RENKEI_TRY(bool has_row, find->Step());
    if (!has_row) return false;
    eid = find->ColumnInt(0);
  }
  RENKEI_TRY(Statement * erase, conn.Prepare("DELETE FROM entities WHERE eid = ?"));
  {
    StatementLease lease(*erase);
    erase->Bind(1, eid);
    RENKEI_TRY_VOID(erase->Run());
  }
  RENKEI_TRY_VOID(DropIndexRows(conn, eid));
  return true;
}

base::Result<std::size_t> PurgeExpiredRows(Connection& conn, base::Timestamp now,
                                           const PurgedEntity& on_purged) {
  RENKEI_TRY(Statement * expired,
             conn.Prepare("DELETE FROM entities WHERE expires IS NOT NULL AND expires <= ? "
                          "RETURNING eid, tenant, doc"));
  std::vector<std::int64_t> eids;
  std::vector<std::pair<std::int64_t, std::string>> purged;
  {
    StatementLease lease(*expired);
    expired->Bind(1, now.millis);
    for (;;) {
      RENKEI_TRY(bool has_row, expired->Step());
      if (!has_row) break;
      eids.push_back(expired->ColumnInt(0));
      if (on_purged) purged.emplace_back(expired->ColumnInt(1), expired->ColumnText(2));
    }
  }
  for (auto eid : eids) RENKEI_TRY_VOID(DropIndexRows(conn, eid));
  for (const auto& [tenant, doc] : purged) RENKEI_TRY_VOID(on_purged(tenant, doc));
  return eids.size();
}

namespace {

// Calls `index(tenant, eid, entity)` for every stored entity (the migrations that rewrite an
// index from the documents).
using IndexEntity = std::function<base::Result<void>(std::int64_t tenant, std::int64_t eid,
                                                     const core::Entity& entity)>;
base::Result<void> ForEveryStoredEntity(Connection& conn, const IndexEntity& index) {
  RENKEI_TRY(Statement * entities, conn.Prepare("SELECT eid, tenant, doc FROM entities"));
  StatementLease lease(*entities);
  for (;;) {
    RENKEI_TRY(bool has_row, entities->Step());
    if (!has_row) break;
    RENKEI_TRY(core::Entity entity, core::DecodeEntity(entities->ColumnText(2)));
    RENKEI_TRY_VOID(index(entities->ColumnInt(1), entities->ColumnInt(0), entity));
  }
  return base::Ok();
}

}  // namespace

base::Result<void> RebuildAttributeIndex(Connection& conn) {
  RENKEI_TRY_VOID(conn.Exec("DELETE FROM attr_index"));
  return ForEveryStoredEntity(
      conn, [&](std::int64_t tenant, std::int64_t eid, const core::Entity& entity) {
        return WriteAttributeIndex(conn, tenant, eid, entity, IndexedNames::All());
      });
}

base::Result<void> RebuildGeoIndex(Connection& conn) {
  RENKEI_TRY_VOID(
      conn.Exec("DELETE FROM geo_index; DELETE FROM geo_shapes; DELETE FROM geo_points"));
  return ForEveryStoredEntity(
      conn, [&](std::int64_t tenant, std::int64_t eid, const core::Entity& entity) {
        return WriteGeoRows(conn, tenant, eid, GeoRowsOf(entity));
      });
}

base::Result<Backfilled> BackfillAttributeRows(Connection& conn, std::int64_t tenant,
                                               const std::string& name, std::int64_t after_eid,
                                               std::size_t limit) {
  RENKEI_TRY(Statement * entities,
             conn.Prepare("SELECT eid, doc FROM entities WHERE tenant = ? AND eid > ? "
                          "ORDER BY eid LIMIT ?"));
  // REPLACE: a write since the name entered the catalogue may have written the row already
  // (with the same value, from the same document).
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT OR REPLACE INTO attr_index(num, txt, opaque, entity, name, "
                          "tenant) VALUES (?, ?, ?, ?, ?, ?)"));
  const IndexedNames only =
      IndexedNames::Only(std::make_shared<const IndexedNames::Names>(IndexedNames::Names{name}));
  StatementLease lease(*entities);
  entities->Bind(1, tenant);
  entities->Bind(2, after_eid);
  entities->Bind(3, static_cast<std::int64_t>(limit));
  std::int64_t last = after_eid;
  std::size_t read = 0;
  for (;;) {
    RENKEI_TRY(bool has_row, entities->Step());
    if (!has_row) break;
    ++read;
    last = entities->ColumnInt(0);
    RENKEI_TRY(core::Entity entity, core::DecodeEntity(entities->ColumnText(1)));
    const AttrRows rows = AttributeRows(entity, only);
    auto it = rows.find(name);
    if (it == rows.end()) continue;
    StatementLease insert_lease(*insert);
    BindAttrValue(*insert, it->second);
    insert->Bind(4, last);
    insert->Bind(5, name);
    insert->Bind(6, tenant);
    RENKEI_TRY_VOID(insert->Run());
  }
  return Backfilled{last, read};
}

const core::Attribute* LocationAttribute(const core::Entity& entity,
                                         std::string_view geo_attribute) {
  for (const auto& a : entity.attributes) {
    if (a.kind != core::AttributeKind::kGeoProperty) continue;
    if (geo_attribute.empty() || a.name == geo_attribute) return &a;
  }
  return nullptr;
}

base::Result<core::geo::Geometry> ParseLocation(const core::Attribute& attr) {
  if (core::geo::IsV2GeoType(attr.type)) {
    return core::geo::ParseV2GeoAttribute(attr.type, attr.value);
  }
  return core::geo::ParseGeoJson(attr.value);
}

}  // namespace renkei::store::sqlite
