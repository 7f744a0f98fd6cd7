#include "store/sqlite/value_index_catalog.hpp"

#include <algorithm>
#include <memory>

#include "store/sqlite/entity_rows.hpp"

namespace renkei::store::sqlite {
namespace {

std::string_view PolicyName(ValueIndexPolicy policy) {
  return policy == ValueIndexPolicy::kAll ? "all" : "on_demand";
}

}  // namespace

base::Result<IndexedNames> ValueIndexCatalog::For(Connection& conn, std::int64_t tenant) {
  if (policy_ == ValueIndexPolicy::kAll) return IndexedNames::All();
  if (auto it = cached_.find(tenant); it != cached_.end()) return it->second;
  auto names = std::make_shared<IndexedNames::Names>();
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT name FROM value_indexes WHERE tenant = ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    names->emplace(select->ColumnText(0));
  }
  IndexedNames indexed = IndexedNames::Only(std::move(names));
  cached_.emplace(tenant, indexed);
  return indexed;
}

base::Result<ValueIndexStates> ProbeValueIndexes(Connection& conn, ValueIndexPolicy policy,
                                                 std::int64_t tenant,
                                                 const std::set<std::string>& names) {
  ValueIndexStates states;
  if (policy == ValueIndexPolicy::kAll) {
    states.ready = names;
    return states;
  }
  RENKEI_TRY(Statement * probe,
             conn.Prepare("SELECT ready FROM value_indexes WHERE tenant = ? AND name = ?"));
  for (const auto& name : names) {
    if (name == IndexedNames::kOwner) {
      states.ready.insert(name);
      continue;
    }
    StatementLease lease(*probe);
    probe->Bind(1, tenant);
    probe->Bind(2, name);
    RENKEI_TRY(bool has_row, probe->Step());
    if (!has_row) {
      states.uncatalogued.push_back(name);
    } else if (probe->ColumnInt(0) != 0) {
      states.ready.insert(name);
    }
  }
  if (states.uncatalogued.empty()) return states;
  // Only when a build may start: the cap on catalogued names is checked against it.
  RENKEI_TRY(Statement * count,
             conn.Prepare("SELECT COUNT(*) FROM value_indexes WHERE tenant = ?"));
  StatementLease lease(*count);
  count->Bind(1, tenant);
  RENKEI_TRY(bool has_row, count->Step());
  states.catalogued = has_row ? static_cast<std::size_t>(count->ColumnInt(0)) : 0;
  return states;
}

base::Result<void> CatalogueValueIndex(Connection& conn, std::int64_t tenant,
                                       const std::string& name) {
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT OR IGNORE INTO value_indexes(tenant, name) VALUES (?, ?)"));
  StatementLease lease(*insert);
  insert->Bind(1, tenant);
  insert->Bind(2, name);
  return insert->Run();
}

base::Result<bool> BuildValueIndexStep(Connection& conn, std::int64_t tenant,
                                       const std::string& name, std::size_t limit) {
  limit = std::max<std::size_t>(limit, 1);  // a step of none would never end the build
  std::int64_t built_through = 0;
  {
    RENKEI_TRY(Statement * select,
               conn.Prepare("SELECT built_through, ready FROM value_indexes WHERE tenant = ? AND "
                            "name = ?"));
    StatementLease lease(*select);
    select->Bind(1, tenant);
    select->Bind(2, name);
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row || select->ColumnInt(1) != 0) return true;
    built_through = select->ColumnInt(0);
  }
  RENKEI_TRY(Backfilled step, BackfillAttributeRows(conn, tenant, name, built_through, limit));
  // Fewer than `limit` entities were left: every entity stored before the name entered the
  // catalogue has its row now (later ones got it when they were written). A step that read
  // exactly the last `limit` finds none the next time.
  const bool more = step.entities == limit;
  const std::int64_t last = step.last_eid;
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE value_indexes SET built_through = ?, ready = ? WHERE tenant = ? "
                          "AND name = ?"));
  StatementLease lease(*update);
  update->Bind(1, last);
  update->Bind(2, std::int64_t{more ? 0 : 1});
  update->Bind(3, tenant);
  update->Bind(4, name);
  RENKEI_TRY_VOID(update->Run());
  return !more;
}

base::Result<std::vector<std::pair<std::int64_t, std::string>>> UnfinishedValueIndexes(
    Connection& conn) {
  std::vector<std::pair<std::int64_t, std::string>> out;
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT tenant, name FROM value_indexes WHERE ready = 0 ORDER BY "
                          "tenant, name"));
  StatementLease lease(*select);
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    out.emplace_back(select->ColumnInt(0), std::string(select->ColumnText(1)));
  }
  return out;
}

namespace {

base::Result<std::string> StoredPolicyName(Connection& conn) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT value FROM store_settings WHERE key = 'value_index'"));
  StatementLease lease(*select);
  RENKEI_TRY(bool has_row, select->Step());
  return has_row ? std::string(select->ColumnText(0)) : std::string();
}

}  // namespace

base::Result<ValueIndexPolicy> StoredValueIndexPolicy(Connection& conn, ValueIndexPolicy fallback) {
  RENKEI_TRY(std::string stored, StoredPolicyName(conn));
  if (stored == PolicyName(ValueIndexPolicy::kAll)) return ValueIndexPolicy::kAll;
  if (stored == PolicyName(ValueIndexPolicy::kOnDemand)) return ValueIndexPolicy::kOnDemand;
  return fallback;
}

base::Result<void> AdoptValueIndexPolicy(Connection& conn, ValueIndexPolicy policy) {
  RENKEI_TRY(std::string stored, StoredPolicyName(conn));
  if (stored == PolicyName(policy)) return base::Ok();
  RENKEI_TRY_VOID(conn.Exec("BEGIN IMMEDIATE"));
  auto adopt = [&]() -> base::Result<void> {
    if (policy == ValueIndexPolicy::kAll) {
      // Names never queried have no rows: every row is written anew.
      RENKEI_TRY_VOID(RebuildAttributeIndex(conn));
    } else {
      // Every name with rows is complete (all were indexed): ready as it stands.
      RENKEI_TRY_VOID(
          conn.Exec("INSERT INTO value_indexes(tenant, name, ready) SELECT DISTINCT tenant, "
                    "name, 1 FROM attr_index WHERE true ON CONFLICT(tenant, name) DO UPDATE SET "
                    "ready = 1"));
    }
    RENKEI_TRY(Statement * record,
               conn.Prepare("INSERT OR REPLACE INTO store_settings(key, value) VALUES "
                            "('value_index', ?)"));
    StatementLease lease(*record);
    record->Bind(1, PolicyName(policy));
    return record->Run();
  };
  if (auto adopted = adopt(); !adopted) {
    (void)conn.Exec("ROLLBACK");
    return adopted;
  }
  return conn.Exec("COMMIT");
}

}  // namespace renkei::store::sqlite
