#include "store/sqlite/import_source_rows.hpp"

#include <limits>

#include "store/sqlite/sql_where.hpp"

namespace renkei::store::sqlite {

base::Result<void> WriteImportSourceRows(Connection& conn, std::int64_t tenant,
                                         const std::vector<EntitySource>& sources,
                                         const RowIdOf& row_of) {
  RENKEI_TRY(Statement * by_row,
             conn.Prepare("INSERT INTO import_sources(entity, file, line, imported) "
                          "VALUES (?, ?, ?, ?) "
                          "ON CONFLICT(entity) DO UPDATE SET file = excluded.file, "
                          "line = excluded.line, imported = excluded.imported"));
  // The entity row is found by its key, so the statement holds whether or not the unit
  // wrote the entity (a re-import of an unchanged record moves only its source).
  RENKEI_TRY(Statement * upsert,
             conn.Prepare("INSERT INTO import_sources(entity, file, line, imported) "
                          "SELECT eid, ?, ?, ? FROM entities WHERE tenant = ? AND id = ? AND "
                          "type = ? AND service_path = ? "
                          "ON CONFLICT(entity) DO UPDATE SET file = excluded.file, "
                          "line = excluded.line, imported = excluded.imported"));
  for (const auto& s : sources) {
    if (auto row = row_of ? row_of(s) : std::nullopt) {
      StatementLease lease(*by_row);
      by_row->Bind(1, *row);
      by_row->Bind(2, s.source.file);
      by_row->Bind(3, static_cast<std::int64_t>(s.source.line));
      by_row->Bind(4, s.source.imported_at.millis);
      RENKEI_TRY_VOID(by_row->Run());
      continue;
    }
    StatementLease lease(*upsert);
    upsert->Bind(1, s.source.file);
    upsert->Bind(2, static_cast<std::int64_t>(s.source.line));
    upsert->Bind(3, s.source.imported_at.millis);
    upsert->Bind(4, tenant);
    upsert->Bind(5, s.id);
    upsert->Bind(6, s.type);
    upsert->Bind(7, s.service_path);
    RENKEI_TRY_VOID(upsert->Run());
  }
  return base::Ok();
}

base::Result<std::vector<EntitySource>> ReadImportSourceRows(Connection& conn, std::int64_t tenant,
                                                             const std::string& type,
                                                             const ServicePathScope& scope) {
  // The caller matches sources to entities it read, expired or not: no clock here.
  SqlWhere where;
  AddBaseConditions(where, tenant, base::Timestamp{std::numeric_limits<std::int64_t>::min()},
                    scope);
  where.And("e.type = ?", {type});
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT e.id, e.service_path, s.file, s.line, s.imported "
                          "FROM entities e JOIN import_sources s ON s.entity = e.eid" +
                          where.Sql()));
  StatementLease lease(*select);
  where.Bind(*select);
  std::vector<EntitySource> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    EntitySource row;
    row.id = std::string(select->ColumnText(0));
    row.type = type;
    row.service_path = std::string(select->ColumnText(1));
    row.source.file = std::string(select->ColumnText(2));
    row.source.line = static_cast<std::size_t>(select->ColumnInt(3));
    row.source.imported_at = base::Timestamp{select->ColumnInt(4)};
    out.push_back(std::move(row));
  }
  return out;
}

}  // namespace renkei::store::sqlite
