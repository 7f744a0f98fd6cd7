#include "ratelimit/rate_limiter.hpp"

#include <algorithm>

namespace renkei::ratelimit {
namespace {

Refusal RefusalOf(LimitScope scope, const TakeResult& taken) {
  // RFC 9110 §10.2.3: Retry-After in whole seconds; round up so a client that waits that
  // long finds a token.
  return Refusal{scope, std::max<std::int64_t>(1, (taken.retry_after_millis + 999) / 1000)};
}

}  // namespace

std::string_view LimitScopeName(LimitScope scope) {
  return scope == LimitScope::kTenant ? "tenant" : "client";
}

const TenantLimits& RateLimitSettings::For(std::string_view tenant) const {
  const auto found = tenants.find(tenant);
  return found == tenants.end() ? defaults : found->second;
}

bool RateLimitSettings::AnyEnabled() const {
  if (defaults.tenant.Enabled() || defaults.client.Enabled()) return true;
  for (const auto& [name, limits] : tenants) {
    if (limits.tenant.Enabled() || limits.client.Enabled()) return true;
  }
  return false;
}

RateLimiter::RateLimiter(RateLimitSettings settings, RefusalListener on_refused)
    : settings_(std::move(settings)),
      on_refused_(std::move(on_refused)),
      enabled_(settings_.AnyEnabled()),
      tenants_(settings_.max_tenant_buckets),
      clients_(settings_.max_client_buckets) {}

std::optional<Refusal> RateLimiter::Admit(const std::string& tenant, std::string_view client,
                                          base::Timestamp now) {
  if (!enabled_) return std::nullopt;
  const TenantLimits& limits = settings_.For(tenant);
  std::optional<Refusal> refusal;
  if (limits.client.Enabled()) {
    // The tenant is part of the key: a client's buckets of two tenants are separate, and
    // '\n' cannot occur in a tenant name.
    std::string key = tenant;
    key += '\n';
    key += client;
    const TakeResult taken = clients_.Take(key, limits.client, now.millis);
    if (!taken.allowed) refusal = RefusalOf(LimitScope::kClient, taken);
  }
  if (!refusal && limits.tenant.Enabled()) {
    const TakeResult taken = tenants_.Take(tenant, limits.tenant, now.millis);
    if (!taken.allowed) refusal = RefusalOf(LimitScope::kTenant, taken);
  }
  if (refusal && on_refused_) on_refused_(tenant, refusal->scope);
  return refusal;
}

}  // namespace renkei::ratelimit
