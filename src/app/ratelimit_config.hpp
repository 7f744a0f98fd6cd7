// The [ratelimit] section of the config file (docs/security.md "Rate limits"):
//   [ratelimit]
//   tenant_rate = 200        # requests per second for all clients of a tenant (0: no limit)
//   tenant_burst = 400       # requests a tenant may send at once (default: the rate, >= 1)
//   client_rate = 20         # requests per second per client of a tenant (0: no limit)
//   client_burst = 40
//   max_client_buckets = 100000   # memory bound (docs/security.md)
//   max_tenant_buckets = 10000
//   [ratelimit.tenants."304018"]  # overrides; keys not given keep the global value
//   client_rate = 5
// Everything is off by default. Tenant names are normalised as the Fiware-Service header is.
#pragma once

#include <toml++/toml.h>

#include "base/result.hpp"
#include "ratelimit/rate_limiter.hpp"

namespace renkei::app {

base::Result<void> ParseRateLimitSection(const toml::table& section,
                                         ratelimit::RateLimitSettings& settings);

}  // namespace renkei::app
