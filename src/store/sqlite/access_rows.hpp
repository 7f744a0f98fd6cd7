// Rows of the api_keys and authz_policies tables (schema migration 6): API keys
// (store/api_key_store.hpp) and tenants' authorization policies (store/policy_store.hpp).
// Every function works on the given connection inside the caller's transaction, if any.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/api_key_store.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

base::Result<std::optional<ApiKeyRecord>> ReadApiKeyRow(Connection& conn, std::string_view key_id);
// The tenant's rows in creation order.
base::Result<std::vector<ApiKeyRecord>> ReadApiKeyRows(Connection& conn, std::string_view tenant);
// kAlreadyExists when the key id is taken.
base::Result<void> InsertApiKeyRow(Connection& conn, const ApiKeyRecord& record);
// kResourceNotFound when the tenant has no unrevoked key with this id.
base::Result<void> RevokeApiKeyRow(Connection& conn, std::string_view tenant,
                                   std::string_view key_id, base::Timestamp at);
base::Result<void> TouchApiKeyRow(Connection& conn, std::string_view key_id, base::Timestamp at);

base::Result<std::optional<std::string>> ReadPolicyRow(Connection& conn, std::string_view tenant);
base::Result<void> WritePolicyRow(Connection& conn, std::string_view tenant,
                                  std::string_view document, base::Timestamp at);

}  // namespace renkei::store::sqlite
