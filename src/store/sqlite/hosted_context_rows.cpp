#include "store/sqlite/hosted_context_rows.hpp"

#include <string>

namespace renkei::store::sqlite {

base::Result<std::vector<HostedContextRecord>> ReadHostedContextRows(Connection& conn) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT local_id, document, created FROM hosted_contexts ORDER BY seq"));
  StatementLease lease(*select);
  std::vector<HostedContextRecord> records;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    records.push_back(HostedContextRecord{std::string(select->ColumnText(0)),
                                          std::string(select->ColumnText(1)),
                                          base::Timestamp{select->ColumnInt(2)}});
  }
  return records;
}

base::Result<void> InsertHostedContextRow(Connection& conn, const HostedContextRecord& record) {
  // ON CONFLICT DO NOTHING turns a taken id into "no row changed" instead of a constraint
  // error, so the caller learns it without parsing SQLite's message.
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO hosted_contexts(local_id, document, created) "
                          "VALUES (?, ?, ?) ON CONFLICT(local_id) DO NOTHING"));
  StatementLease lease(*insert);
  insert->Bind(1, record.local_id);
  insert->Bind(2, record.document);
  insert->Bind(3, record.created_at.millis);
  RENKEI_TRY_VOID(insert->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kAlreadyExists, "AlreadyExists",
                      "a hosted @context with id " + record.local_id + " exists");
  }
  return base::Ok();
}

base::Result<void> DeleteHostedContextRow(Connection& conn, std::string_view local_id) {
  RENKEI_TRY(Statement * erase, conn.Prepare("DELETE FROM hosted_contexts WHERE local_id = ?"));
  StatementLease lease(*erase);
  erase->Bind(1, local_id);
  RENKEI_TRY_VOID(erase->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                      "no hosted @context with id " + std::string(local_id));
  }
  return base::Ok();
}

}  // namespace renkei::store::sqlite
