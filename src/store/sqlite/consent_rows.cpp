#include "store/sqlite/consent_rows.hpp"

#include <boost/json.hpp>

namespace renkei::store::sqlite {
namespace {

constexpr std::string_view kConsentColumns =
    "SELECT id, tenant, resident, app, types, purpose, expires, created, revoked FROM consents c ";

// The types are a JSON array, so that the entity query reads them with json_each
// (sql_where.cpp AddPersonalRestriction) and no second table must be kept in step.
std::string TypesJson(const std::vector<std::string>& types) {
  boost::json::array out;
  for (const auto& type : types) out.emplace_back(type);
  return boost::json::serialize(out);
}

std::vector<std::string> TypesFromJson(std::string_view text) {
  std::vector<std::string> types;
  boost::system::error_code ec;
  const auto value = boost::json::parse(text, ec);
  if (ec || !value.is_array()) return types;
  for (const auto& item : value.get_array()) {
    if (item.is_string()) types.emplace_back(item.get_string());
  }
  return types;
}

ConsentRecord ConsentFromRow(const Statement& row) {
  ConsentRecord record;
  record.id = std::string(row.ColumnText(0));
  record.tenant = std::string(row.ColumnText(1));
  record.resident = std::string(row.ColumnText(2));
  record.app = std::string(row.ColumnText(3));
  record.types = TypesFromJson(row.ColumnText(4));
  record.purpose = std::string(row.ColumnText(5));
  record.expires_at = base::Timestamp{row.ColumnInt(6)};
  record.created_at = base::Timestamp{row.ColumnInt(7)};
  if (!row.ColumnIsNull(8)) record.revoked_at = base::Timestamp{row.ColumnInt(8)};
  return record;
}

base::Result<std::size_t> CountLive(Connection& conn, std::string_view tenant,
                                    std::string_view resident, base::Timestamp now) {
  RENKEI_TRY(Statement * count, conn.Prepare("SELECT COUNT(*) FROM consents WHERE tenant = ? AND "
                                             "resident = ? AND revoked IS NULL AND expires > ?"));
  StatementLease lease(*count);
  count->Bind(1, tenant);
  count->Bind(2, resident);
  count->Bind(3, now.millis);
  RENKEI_TRY(bool has_row, count->Step());
  return has_row ? static_cast<std::size_t>(count->ColumnInt(0)) : 0;
}

}  // namespace

base::Result<void> InsertConsentRow(Connection& conn, const ConsentRecord& record,
                                    std::size_t max_live) {
  // Counted in the writer's transaction: two grants at once cannot both pass the limit.
  RENKEI_TRY(auto live, CountLive(conn, record.tenant, record.resident, record.created_at));
  if (live >= max_live) {
    return base::Fail(base::ErrorCode::kUnprocessable, "TooManyConsents",
                      "a resident may have at most " + std::to_string(max_live) +
                          " live consents in a tenant; revoke one first");
  }
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO consents(id, tenant, resident, app, types, purpose, "
                          "expires, created) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                          "ON CONFLICT(id) DO NOTHING"));
  StatementLease lease(*insert);
  insert->Bind(1, record.id);
  insert->Bind(2, record.tenant);
  insert->Bind(3, record.resident);
  insert->Bind(4, record.app);
  insert->Bind(5, TypesJson(record.types));
  insert->Bind(6, record.purpose);
  insert->Bind(7, record.expires_at.millis);
  insert->Bind(8, record.created_at.millis);
  RENKEI_TRY_VOID(insert->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kAlreadyExists, "AlreadyExists",
                      "a consent with id " + record.id + " exists");
  }
  return base::Ok();
}

base::Result<void> RevokeConsentRow(Connection& conn, std::string_view tenant,
                                    std::string_view resident, std::string_view id,
                                    base::Timestamp at) {
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE consents SET revoked = ? WHERE tenant = ? AND resident = ? "
                          "AND id = ? AND revoked IS NULL"));
  StatementLease lease(*update);
  update->Bind(1, at.millis);
  update->Bind(2, tenant);
  update->Bind(3, resident);
  update->Bind(4, id);
  RENKEI_TRY_VOID(update->Run());
  if (conn.LastChanges() == 0) {
    // Another resident's consent and an unknown id answer alike: ids do not leak.
    return base::Fail(base::ErrorCode::kResourceNotFound, "NotFound",
                      "no consent " + std::string(id) + " of yours to revoke in this tenant");
  }
  return base::Ok();
}

base::Result<std::vector<ConsentRecord>> ReadConsentRows(Connection& conn,
                                                         const ConsentFilter& filter) {
  std::string sql = std::string(kConsentColumns) + "WHERE tenant = ?";
  if (filter.resident) sql += " AND resident = ?";
  if (filter.live_at) sql += " AND revoked IS NULL AND expires > ?";
  RENKEI_TRY(Statement * select, conn.Prepare(sql + " ORDER BY seq"));
  StatementLease lease(*select);
  int next = 1;
  select->Bind(next++, filter.tenant);
  if (filter.resident) select->Bind(next++, *filter.resident);
  if (filter.live_at) select->Bind(next++, filter.live_at->millis);
  std::vector<ConsentRecord> records;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    records.push_back(ConsentFromRow(*select));
  }
  return records;
}

base::Result<std::optional<ConsentRecord>> ReadLiveConsentRow(
    Connection& conn, std::string_view tenant, std::string_view resident, std::string_view app,
    std::string_view type, base::Timestamp now) {
  RENKEI_TRY(Statement * select,
             conn.Prepare(std::string(kConsentColumns) +
                          "WHERE tenant = ? AND app = ? AND resident = ? AND revoked IS NULL "
                          "AND expires > ? AND EXISTS (SELECT 1 FROM json_each(c.types) t "
                          "WHERE t.value = ?) ORDER BY seq DESC LIMIT 1"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  select->Bind(2, app);
  select->Bind(3, resident);
  select->Bind(4, now.millis);
  select->Bind(5, type);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<ConsentRecord>();
  return std::optional<ConsentRecord>(ConsentFromRow(*select));
}

}  // namespace renkei::store::sqlite
