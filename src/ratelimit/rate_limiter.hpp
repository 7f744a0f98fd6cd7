// RateLimiter: per-tenant and per-client request rates (issue 5 item 6, municipal-context.md
// §1.5/§2; docs/security.md "Rate limits"). Off unless configured: limits of 0 admit all.
// A request spends a token of its client's bucket first, then one of its tenant's, so a
// client refused by its own limit does not drain its tenant's bucket for the others (a
// request the tenant limit refuses has spent its client's token: it was still a request).
// Clients are named by the caller (api/common/request_auth.cpp: the principal's client id or
// subject, else the remote address); their buckets are per tenant.
// Thread-safe: Admit may be called from any thread (sharded BucketTables).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "base/time.hpp"
#include "ratelimit/bucket_table.hpp"

namespace renkei::ratelimit {

enum class LimitScope { kTenant, kClient };
std::string_view LimitScopeName(LimitScope scope);  // "tenant", "client"

struct TenantLimits {
  BucketLimits tenant;  // all requests to the tenant together
  BucketLimits client;  // each client of the tenant
};

struct RateLimitSettings {
  TenantLimits defaults;
  std::map<std::string, TenantLimits, std::less<>> tenants;  // overrides by tenant name
  std::size_t max_client_buckets = 100000;
  std::size_t max_tenant_buckets = 10000;

  const TenantLimits& For(std::string_view tenant) const;
  bool AnyEnabled() const;
};

struct Refusal {
  LimitScope scope = LimitScope::kClient;
  std::int64_t retry_after_seconds = 1;  // RFC 9110 §10.2.3 delay-seconds, at least 1
};

class RateLimiter {
 public:
  // Called for every refused request (e.g. to count it for GET /metrics); may be empty.
  using RefusalListener = std::function<void(const std::string& tenant, LimitScope scope)>;

  explicit RateLimiter(RateLimitSettings settings, RefusalListener on_refused = {});

  // nullopt: admitted (one token spent from each configured bucket).
  std::optional<Refusal> Admit(const std::string& tenant, std::string_view client,
                               base::Timestamp now);

  // Whether any limit is configured (else Admit admits everything).
  bool Enabled() const { return enabled_; }
  std::size_t ClientBuckets() const { return clients_.Size(); }

 private:
  RateLimitSettings settings_;
  RefusalListener on_refused_;
  bool enabled_;
  BucketTable tenants_;
  BucketTable clients_;
};

}  // namespace renkei::ratelimit
