#include "store/sqlite/log_applier.hpp"

#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "store/sqlite/bulk_lookup.hpp"
#include "store/sqlite/entity_rows.hpp"
#include "store/sqlite/import_source_rows.hpp"
#include "store/sqlite/subscription_rows.hpp"

namespace renkei::store::sqlite {
namespace {

using Key = std::tuple<std::string, std::string, std::string>;  // id, type, service path

// One key's newest state in the batch.
struct Newest {
  const LoggedWrite* write = nullptr;  // the newest write of the key (entity null: erased)
  // The key was erased by a write of the batch before the newest: an entity written after
  // that is a new one (new row id, no import source of the old one), not an update.
  bool erased_before = false;
  // The first write of the key in the batch: its record's seq and its place in the record.
  std::pair<std::uint64_t, std::size_t> first;
};

// One row operation, in the order they run.
struct RowWrite {
  std::int64_t eid = std::numeric_limits<std::int64_t>::max();  // max: a new key
  std::pair<std::uint64_t, std::size_t> first;
  const Key* key = nullptr;
  const Newest* newest = nullptr;
  const IndexedEntity* previous = nullptr;
};

// The row ids of the keys written (not erased), for the import sources that follow.
using WrittenRows = std::map<Key, std::int64_t>;

base::Result<WrittenRows> ApplyTenantWrites(Connection& conn, std::int64_t tenant,
                                            const std::map<Key, Newest>& keys,
                                            const IndexedNames& indexed) {
  WrittenRows written;
  std::vector<std::string> ids;
  ids.reserve(keys.size());
  for (const auto& [key, newest] : keys) {
    if (ids.empty() || ids.back() != std::get<0>(key)) ids.push_back(std::get<0>(key));
  }
  std::vector<std::int64_t> row_ids;
  RENKEI_TRY(std::vector<core::Entity> stored,
             RunFindByIds(conn, tenant, ids, ServicePathScope::Everything(), row_ids));
  std::map<Key, IndexedEntity> previous;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    Key key{stored[i].id, stored[i].PrimaryType(), stored[i].service_path};
    if (keys.contains(key)) {
      previous.emplace(std::move(key), IndexRowsOf(row_ids[i], stored[i], indexed));
    }
  }
  std::vector<RowWrite> order;
  order.reserve(keys.size());
  for (const auto& [key, newest] : keys) {
    RowWrite w{std::numeric_limits<std::int64_t>::max(), newest.first, &key, &newest, nullptr};
    if (auto it = previous.find(key); it != previous.end()) {
      w.eid = it->second.eid;
      w.previous = &it->second;
    }
    order.push_back(w);
  }
  std::sort(order.begin(), order.end(), [](const RowWrite& a, const RowWrite& b) {
    return std::tie(a.eid, a.first) < std::tie(b.eid, b.first);
  });
  for (const auto& w : order) {
    const LoggedWrite& write = *w.newest->write;
    const auto& [id, type, path] = *w.key;
    const IndexedEntity* prior = w.previous;
    if (prior != nullptr && (!write.entity || w.newest->erased_before)) {
      RENKEI_TRY(bool erased, EraseEntityRow(conn, tenant, id, type, path));
      (void)erased;
      prior = nullptr;
    }
    if (write.entity) {
      RENKEI_TRY(IndexedEntity rows,
                 PutEntityRow(conn, tenant, *write.entity, indexed, prior, write.doc.get()));
      written.emplace(*w.key, rows.eid);
    }
  }
  return written;
}

}  // namespace

base::Result<bool> ApplyRecords(Connection& conn, const std::vector<UnitRecord>& records,
                                const TenantIdOf& tenant_id_of, ValueIndexCatalog& catalog) {
  if (records.empty()) return false;
  std::map<std::string, std::map<Key, Newest>> by_tenant;
  for (const auto& record : records) {
    auto& keys = by_tenant[record.tenant];
    for (std::size_t i = 0; i < record.writes.size(); ++i) {
      const auto& write = record.writes[i];
      auto [it, inserted] = keys.try_emplace(Key{write.id, write.type, write.service_path},
                                             Newest{&write, false, {record.seq, i}});
      if (!inserted) {
        if (!it->second.write->entity) it->second.erased_before = true;
        it->second.write = &write;
      }
    }
  }
  std::map<std::string, std::int64_t> tenant_ids;
  std::map<std::string, WrittenRows> written;
  for (const auto& [tenant, keys] : by_tenant) {
    RENKEI_TRY(std::int64_t id, tenant_id_of(tenant));
    tenant_ids.emplace(tenant, id);
    RENKEI_TRY(IndexedNames indexed, catalog.For(conn, id));
    RENKEI_TRY(written[tenant], ApplyTenantWrites(conn, id, keys, indexed));
  }
  bool journaled = false;
  for (const auto& record : records) {
    const std::int64_t tenant = tenant_ids.at(record.tenant);
    for (const auto& change : record.changes) {
      RENKEI_TRY_VOID(
          InsertChangeRow(conn, tenant,
                          ChangeRow{.correlator = record.correlator,
                                    .before = change.before.get(),
                                    .after = change.after.get(),
                                    .forced_update = record.forced_update,
                                    .written = change.written ? &*change.written : nullptr,
                                    .before_text = change.before_doc.get(),
                                    .after_text = change.after_doc.get()}));
      journaled = true;
    }
    if (!record.sources.empty()) {
      // A source's entity written in this batch has its row id at hand; an unchanged one
      // (a re-import) is found by its key.
      const WrittenRows& rows = written[record.tenant];
      RENKEI_TRY_VOID(
          WriteImportSourceRows(conn, tenant, record.sources,
                                [&rows](const EntitySource& s) -> std::optional<std::int64_t> {
                                  auto it = rows.find(Key{s.id, s.type, s.service_path});
                                  if (it == rows.end()) return std::nullopt;
                                  return it->second;
                                }));
    }
  }
  RENKEI_TRY(Statement * position,
             conn.Prepare("UPDATE write_log SET applied_seq = ? WHERE id = 1"));
  StatementLease lease(*position);
  position->Bind(1, static_cast<std::int64_t>(records.back().seq));
  RENKEI_TRY_VOID(position->Run());
  return journaled;
}

base::Result<std::uint64_t> ReadAppliedSeq(Connection& conn) {
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT applied_seq FROM write_log WHERE id = 1"));
  StatementLease lease(*select);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::uint64_t{0};
  return static_cast<std::uint64_t>(select->ColumnInt(0));
}

}  // namespace renkei::store::sqlite
