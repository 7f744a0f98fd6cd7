#include "store/sqlite/audit_rows.hpp"

#include <string>

#include "store/audit_chain.hpp"

namespace renkei::store::sqlite {
namespace {

constexpr std::string_view kColumns =
    "seq, time, tenant, actor_kind, actor_subject, actor_client_id, actor_issuer, resident, "
    "action, entity_id, entity_type, purpose, allowed, correlator, prev_hash, hash";

AuditRecord RowOf(const Statement& row) {
  AuditRecord record;
  record.seq = row.ColumnInt(0);
  record.time = base::Timestamp{row.ColumnInt(1)};
  std::string* texts[] = {&record.tenant,          &record.actor_kind,   &record.actor_subject,
                          &record.actor_client_id, &record.actor_issuer, &record.resident,
                          &record.action,          &record.entity_id,    &record.entity_type,
                          &record.purpose};
  int column = 2;
  for (std::string* text : texts) *text = std::string(row.ColumnText(column++));
  record.allowed = row.ColumnInt(12) != 0;
  record.correlator = std::string(row.ColumnText(13));
  record.prev_hash = std::string(row.ColumnText(14));
  record.hash = std::string(row.ColumnText(15));
  return record;
}

}  // namespace

base::Result<void> InsertAuditRows(Connection& conn, const std::vector<AuditRecord>& records) {
  if (records.empty()) return base::Ok();
  RENKEI_TRY(Statement * last,
             conn.Prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"));
  std::int64_t seq = 0;
  std::string prev_hash;
  {
    StatementLease lease(*last);
    RENKEI_TRY(bool has_row, last->Step());
    if (has_row) {
      seq = last->ColumnInt(0);
      prev_hash = std::string(last->ColumnText(1));
    }
  }
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO audit_log(" + std::string(kColumns) +
                          ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
  for (AuditRecord record : records) {
    record.seq = ++seq;
    record.prev_hash = prev_hash;
    record.hash = AuditChainHash(record);
    StatementLease lease(*insert);
    insert->Bind(1, record.seq);
    insert->Bind(2, record.time.millis);
    const std::string* texts[] = {
        &record.tenant,       &record.actor_kind, &record.actor_subject, &record.actor_client_id,
        &record.actor_issuer, &record.resident,   &record.action,        &record.entity_id,
        &record.entity_type,  &record.purpose};
    int index = 3;
    for (const std::string* text : texts) insert->Bind(index++, std::string_view(*text));
    insert->Bind(13, std::int64_t{record.allowed ? 1 : 0});
    insert->Bind(14, std::string_view(record.correlator));
    insert->Bind(15, std::string_view(record.prev_hash));
    insert->Bind(16, std::string_view(record.hash));
    RENKEI_TRY_VOID(insert->Run());
    prev_hash = std::move(record.hash);
  }
  return base::Ok();
}

base::Result<std::vector<AuditRecord>> ReadAuditRows(Connection& conn, const AuditFilter& filter) {
  // Optional filters as "? IS NULL OR column = ?" keep one cached statement for all of them.
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT " + std::string(kColumns) +
                          " FROM audit_log WHERE seq > ?1"
                          " AND (?2 IS NULL OR tenant = ?2) AND (?3 IS NULL OR resident = ?3)"
                          " AND (?4 IS NULL OR time >= ?4) AND (?5 IS NULL OR time < ?5)"
                          " ORDER BY seq LIMIT ?6"));
  StatementLease lease(*select);
  select->Bind(1, filter.after_seq);
  if (filter.tenant)
    select->Bind(2, std::string_view(*filter.tenant));
  else
    select->BindNull(2);
  if (filter.resident)
    select->Bind(3, std::string_view(*filter.resident));
  else
    select->BindNull(3);
  if (filter.from)
    select->Bind(4, filter.from->millis);
  else
    select->BindNull(4);
  if (filter.to)
    select->Bind(5, filter.to->millis);
  else
    select->BindNull(5);
  select->Bind(6, static_cast<std::int64_t>(filter.limit));
  std::vector<AuditRecord> records;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    records.push_back(RowOf(*select));
  }
  return records;
}

base::Result<AuditVerification> VerifyAuditRows(Connection& conn) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT " + std::string(kColumns) + " FROM audit_log ORDER BY seq"));
  StatementLease lease(*select);
  AuditVerification out;
  std::int64_t expected_seq = 1;
  std::string prev_hash;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    const AuditRecord record = RowOf(*select);
    ++out.records;
    const char* broken = nullptr;
    if (record.seq != expected_seq) {
      broken = "a record is missing before this one (seq does not follow)";
    } else if (record.prev_hash != prev_hash) {
      broken =
          "prev_hash is not the previous record's hash (a record before it was changed "
          "or removed)";
    } else if (AuditChainHash(record) != record.hash) {
      broken = "hash does not match the record's content (the record was changed)";
    }
    if (broken != nullptr) {
      out.first_broken_seq = record.seq;
      out.reason = broken;
      return out;
    }
    expected_seq = record.seq + 1;
    prev_hash = record.hash;
  }
  out.head_hash = prev_hash;
  return out;
}

}  // namespace renkei::store::sqlite
