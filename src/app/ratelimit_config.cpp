#include "app/ratelimit_config.hpp"

#include <algorithm>
#include <cmath>
#include <optional>
#include <tuple>

#include "api/common/tenant_headers.hpp"

namespace renkei::app {
namespace {

base::Unexpected RateLimitConfigError(std::string detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidConfig", std::move(detail));
}

// A rate or burst: a finite number >= 0 (TOML integer or float), at most a million.
base::Result<double> ParseAmount(const toml::node& node, const std::string& where) {
  std::optional<double> value = node.value<double>();
  if (!value || !std::isfinite(*value) || *value < 0 || *value > 1e6) {
    return RateLimitConfigError(where + " must be a number from 0 to 1000000");
  }
  return *value;
}

// Reads the limit keys of one table onto `limits`; `tenants` is allowed only at the top.
base::Result<void> ParseLimits(const toml::table& table, const std::string& where, bool top_level,
                               ratelimit::RateLimitSettings& settings,
                               ratelimit::TenantLimits& limits) {
  std::optional<double> tenant_burst;
  std::optional<double> client_burst;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    const std::string at = where + "." + name;
    if (name == "tenant_rate") {
      RENKEI_TRY(limits.tenant.rate_per_second, ParseAmount(node, at));
    } else if (name == "client_rate") {
      RENKEI_TRY(limits.client.rate_per_second, ParseAmount(node, at));
    } else if (name == "tenant_burst") {
      RENKEI_TRY(tenant_burst, ParseAmount(node, at));
    } else if (name == "client_burst") {
      RENKEI_TRY(client_burst, ParseAmount(node, at));
    } else if (top_level && (name == "max_client_buckets" || name == "max_tenant_buckets")) {
      const auto count = node.value<std::int64_t>();
      if (!count || *count < 1 || *count > 100'000'000) {
        return RateLimitConfigError(at + " must be an integer from 1 to 100000000");
      }
      (name == "max_client_buckets" ? settings.max_client_buckets : settings.max_tenant_buckets) =
          static_cast<std::size_t>(*count);
    } else if (top_level && name == "tenants" && node.is_table()) {
      continue;  // read by the caller once the global limits are known
    } else {
      return RateLimitConfigError(where + ": unknown key '" + name + "'");
    }
  }
  // A burst below one token would refuse every request. A rate given without its burst gets
  // one second's worth of requests; a table that names neither keeps the inherited burst.
  const bool tenant_rate_given = table.contains("tenant_rate");
  const bool client_rate_given = table.contains("client_rate");
  for (auto [burst, rate_given, bucket, name] :
       {std::tuple{tenant_burst, tenant_rate_given, &limits.tenant, "tenant_burst"},
        std::tuple{client_burst, client_rate_given, &limits.client, "client_burst"}}) {
    if (burst && *burst < 1) return RateLimitConfigError(where + "." + name + " must be >= 1");
    if (burst) {
      bucket->burst = *burst;
    } else if (rate_given) {
      bucket->burst = std::max(1.0, bucket->rate_per_second);
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<void> ParseRateLimitSection(const toml::table& section,
                                         ratelimit::RateLimitSettings& settings) {
  RENKEI_TRY_VOID(ParseLimits(section, "ratelimit", true, settings, settings.defaults));
  const auto* tenants = section["tenants"].as_table();
  if (tenants == nullptr) return base::Ok();
  for (const auto& [name, node] : *tenants) {
    auto tenant = api::common::ParseTenant(name.str());
    if (!tenant) {
      return RateLimitConfigError("ratelimit.tenants: '" + std::string(name.str()) +
                                  "' is not a tenant name: " + tenant.error().detail);
    }
    const auto* table = node.as_table();
    if (table == nullptr) {
      return RateLimitConfigError("ratelimit.tenants." + *tenant + " must be a table");
    }
    ratelimit::TenantLimits limits = settings.defaults;
    RENKEI_TRY_VOID(ParseLimits(*table, "ratelimit.tenants." + *tenant, false, settings, limits));
    settings.tenants[*tenant] = limits;
  }
  return base::Ok();
}

}  // namespace renkei::app
