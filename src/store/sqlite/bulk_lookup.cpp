#include "store/sqlite/bulk_lookup.hpp"

#include <limits>

#include <boost/json.hpp>

#include "core/entity_codec.hpp"
#include "store/sqlite/sql_where.hpp"

namespace renkei::store::sqlite {

base::Result<std::vector<core::Entity>> RunFindByIds(Connection& conn, std::int64_t tenant,
                                                     const std::vector<std::string>& ids,
                                                     const ServicePathScope& scope,
                                                     std::vector<std::int64_t>& row_ids) {
  std::vector<core::Entity> out;
  if (ids.empty()) return out;
  // The ids travel as one JSON array bound to one parameter, so the statement text (and the
  // cached prepared statement) is the same for every chunk whatever its size; the
  // (tenant, id, ...) unique key drives one probe per id.
  boost::json::array list;
  list.reserve(ids.size());
  for (const auto& id : ids) list.emplace_back(id);
  SqlWhere where;
  AddBaseConditions(where, tenant, base::Timestamp{std::numeric_limits<std::int64_t>::min()}, scope,
                    Indexing::kNotServicePath);
  where.And("e.id IN (SELECT value FROM json_each(?))", {boost::json::serialize(list)});
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT e.doc, e.eid FROM entities e" + where.Sql() + " ORDER BY e.eid"));
  StatementLease lease(*select);
  where.Bind(*select);
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    RENKEI_TRY(core::Entity e, core::DecodeEntity(select->ColumnText(0)));
    out.push_back(std::move(e));
    row_ids.push_back(select->ColumnInt(1));
  }
  return out;
}

}  // namespace renkei::store::sqlite
