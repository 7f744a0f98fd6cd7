#include "app/auth_config.hpp"

#include "api/common/tenant_headers.hpp"
#include "app/trusted_issuer_config.hpp"

namespace renkei::app {
namespace {

base::Unexpected AuthConfigError(std::string detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidConfig", std::move(detail));
}

// [[auth.tenants."T".issuers]]: an array of tables, one per trusted OpenID Connect provider.
base::Result<void> ParseIssuers(const std::string& where, const toml::node& node,
                                std::vector<auth::TrustedIssuer>& issuers) {
  const auto* array = node.as_array();
  if (array == nullptr) return AuthConfigError(where + ".issuers must be an array of tables");
  for (std::size_t i = 0; i < array->size(); ++i) {
    const auto* table = (*array)[i].as_table();
    const std::string entry = where + ".issuers[" + std::to_string(i) + "]";
    if (table == nullptr) return AuthConfigError(entry + " must be a table");
    RENKEI_TRY(auto issuer, ParseTrustedIssuer(entry, *table));
    for (const auto& known : issuers) {
      if (known.issuer == issuer.issuer) {
        return AuthConfigError(entry + ": issuer '" + issuer.issuer + "' is listed twice");
      }
    }
    issuers.push_back(std::move(issuer));
  }
  return base::Ok();
}

base::Result<void> ParseTenantAuth(const std::string& tenant, const toml::table& table,
                                   auth::AuthSettings& settings) {
  const std::string where = "auth.tenants.\"" + tenant + "\"";
  for (const auto& [key, node] : table) {
    if (key.str() == "enabled") {
      const auto enabled = node.value<bool>();
      if (!enabled) return AuthConfigError(where + ".enabled must be true or false");
      if (*enabled) settings.enabled_tenants.insert(tenant);
    } else if (key.str() == "personal_types") {
      // Personal entity types (docs/security.md "Personal data and consent"), kept from
      // before policies could declare them: level 1, merged with the policy's.
      const auto* types = node.as_array();
      if (types == nullptr) return AuthConfigError(where + ".personal_types must be an array");
      auto& listed = settings.configured_personal_types[tenant];
      for (const auto& type : *types) {
        const auto name = type.value<std::string>();
        if (!name || name->empty()) {
          return AuthConfigError(where + ".personal_types must list entity type names");
        }
        listed.insert(*name);
      }
    } else if (key.str() == "issuers") {
      RENKEI_TRY_VOID(ParseIssuers(where, node, settings.trusted_issuers[tenant]));
    } else {
      return AuthConfigError(where + ": unknown key '" + std::string(key.str()) + "'");
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<void> ParseAuthSection(const toml::table& section, auth::AuthSettings& settings) {
  for (const auto& [key, node] : section) {
    if (key.str() != "tenants" || !node.is_table()) {
      return AuthConfigError("auth: unknown key '" + std::string(key.str()) +
                             "' (tenants is a table of tenant names)");
    }
    for (const auto& [name, tenant_node] : *node.as_table()) {
      auto tenant = api::common::ParseTenant(name.str());
      if (!tenant) {
        return AuthConfigError("auth.tenants: '" + std::string(name.str()) +
                               "' is not a tenant name: " + tenant.error().detail);
      }
      const auto* table = tenant_node.as_table();
      if (table == nullptr) return AuthConfigError("auth.tenants." + *tenant + " must be a table");
      RENKEI_TRY_VOID(ParseTenantAuth(*tenant, *table, settings));
    }
  }
  return base::Ok();
}

}  // namespace renkei::app
