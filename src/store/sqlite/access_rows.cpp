#include "store/sqlite/access_rows.hpp"

namespace renkei::store::sqlite {
namespace {

constexpr std::string_view kApiKeyColumns =
    "SELECT key_id, tenant, app, roles, secret_hash, created, last_used, revoked FROM api_keys ";

// Roles are names without commas (auth/role_names.hpp), so one comma-joined column holds
// them.
std::string JoinRoles(const std::vector<std::string>& roles) {
  std::string out;
  for (const auto& role : roles) {
    if (!out.empty()) out += ',';
    out += role;
  }
  return out;
}

std::vector<std::string> SplitRoles(std::string_view text) {
  std::vector<std::string> roles;
  while (!text.empty()) {
    const auto comma = text.find(',');
    roles.emplace_back(text.substr(0, comma));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return roles;
}

std::optional<base::Timestamp> OptionalTime(const Statement& row, int col) {
  if (row.ColumnIsNull(col)) return std::nullopt;
  return base::Timestamp{row.ColumnInt(col)};
}

ApiKeyRecord ApiKeyFromRow(const Statement& row) {
  ApiKeyRecord record;
  record.key_id = std::string(row.ColumnText(0));
  record.tenant = std::string(row.ColumnText(1));
  record.app = std::string(row.ColumnText(2));
  record.roles = SplitRoles(row.ColumnText(3));
  record.secret_hash = std::string(row.ColumnText(4));
  record.created_at = base::Timestamp{row.ColumnInt(5)};
  record.last_used_at = OptionalTime(row, 6);
  record.revoked_at = OptionalTime(row, 7);
  return record;
}

}  // namespace

base::Result<std::optional<ApiKeyRecord>> ReadApiKeyRow(Connection& conn, std::string_view key_id) {
  RENKEI_TRY(Statement * select, conn.Prepare(std::string(kApiKeyColumns) + "WHERE key_id = ?"));
  StatementLease lease(*select);
  select->Bind(1, key_id);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<ApiKeyRecord>();
  return std::optional<ApiKeyRecord>(ApiKeyFromRow(*select));
}

base::Result<std::vector<ApiKeyRecord>> ReadApiKeyRows(Connection& conn, std::string_view tenant) {
  RENKEI_TRY(Statement * select,
             conn.Prepare(std::string(kApiKeyColumns) + "WHERE tenant = ? ORDER BY seq"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  std::vector<ApiKeyRecord> records;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    records.push_back(ApiKeyFromRow(*select));
  }
  return records;
}

base::Result<void> InsertApiKeyRow(Connection& conn, const ApiKeyRecord& record) {
  // ON CONFLICT DO NOTHING: a taken id shows as no row changed, not as a constraint error.
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO api_keys(key_id, tenant, app, roles, secret_hash, created) "
                          "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(key_id) DO NOTHING"));
  StatementLease lease(*insert);
  insert->Bind(1, record.key_id);
  insert->Bind(2, record.tenant);
  insert->Bind(3, record.app);
  insert->Bind(4, JoinRoles(record.roles));
  insert->Bind(5, record.secret_hash);
  insert->Bind(6, record.created_at.millis);
  RENKEI_TRY_VOID(insert->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kAlreadyExists, "AlreadyExists",
                      "an API key with id " + record.key_id + " exists");
  }
  return base::Ok();
}

base::Result<void> RevokeApiKeyRow(Connection& conn, std::string_view tenant,
                                   std::string_view key_id, base::Timestamp at) {
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE api_keys SET revoked = ? "
                          "WHERE tenant = ? AND key_id = ? AND revoked IS NULL"));
  StatementLease lease(*update);
  update->Bind(1, at.millis);
  update->Bind(2, tenant);
  update->Bind(3, key_id);
  RENKEI_TRY_VOID(update->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kResourceNotFound, "NotFound",
                      "no API key " + std::string(key_id) + " to revoke in this tenant");
  }
  return base::Ok();
}

base::Result<void> TouchApiKeyRow(Connection& conn, std::string_view key_id, base::Timestamp at) {
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE api_keys SET last_used = ? WHERE key_id = ?"));
  StatementLease lease(*update);
  update->Bind(1, at.millis);
  update->Bind(2, key_id);
  return update->Run();
}

base::Result<std::optional<std::string>> ReadPolicyRow(Connection& conn, std::string_view tenant) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT document FROM authz_policies WHERE tenant = ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(select->ColumnText(0)));
}

base::Result<void> WritePolicyRow(Connection& conn, std::string_view tenant,
                                  std::string_view document, base::Timestamp at) {
  RENKEI_TRY(Statement * upsert,
             conn.Prepare("INSERT INTO authz_policies(tenant, document, modified) VALUES (?, ?, ?) "
                          "ON CONFLICT(tenant) DO UPDATE SET document = excluded.document, "
                          "modified = excluded.modified"));
  StatementLease lease(*upsert);
  upsert->Bind(1, tenant);
  upsert->Bind(2, document);
  upsert->Bind(3, at.millis);
  return upsert->Run();
}

}  // namespace renkei::store::sqlite
