// AccessAdminApi: a tenant's API keys and authorization policy (docs/security.md "Admin
// API"), for its tenant admins and the platform operators:
//   POST   /admin/v1/tenants/{tenant}/apikeys        {"roles": [...], "app": "..."} → 201, the
//                                                    key shown once
//   GET    /admin/v1/tenants/{tenant}/apikeys        the keys without secrets
//   DELETE /admin/v1/tenants/{tenant}/apikeys/{id}   revoke (effective at once) → 204
//   GET    /admin/v1/tenants/{tenant}/policies       the policy document
//   PUT    /admin/v1/tenants/{tenant}/policies       replace it (validated) → 200 with it
// The tenant is the path's, never a header's. Who may call is the services' decision
// (service/access_check.hpp); errors are ProblemDetails (api/common/problem_details.hpp).
//
// Thread-safety: Handle may be called concurrently; writes answer from the store's writer
// thread once durable.
#pragma once

#include <string_view>

#include "api/common/correlator.hpp"
#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/api_key_service.hpp"
#include "service/policy_service.hpp"

namespace renkei::api::access {

inline constexpr std::string_view kTenantsPathPrefix = "/admin/v1/tenants/";
// Largest policy document or key request accepted.
inline constexpr std::size_t kMaxAccessBodyBytes = 256 * 1024;

class AccessAdminApi {
 public:
  AccessAdminApi(service::ApiKeyService& keys, service::PolicyService& policies,
                 const auth::Authenticator* authenticator, ratelimit::RateLimiter* rate_limiter,
                 const base::Clock& clock)
      : keys_(keys),
        policies_(policies),
        authenticator_(authenticator),
        rate_limiter_(rate_limiter),
        clock_(clock) {}

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  void HandleKeys(const http::Request& request, const service::RequestContext& ctx,
                  std::string_view key_id, const http::Responder& responder);
  void HandlePolicies(const http::Request& request, const service::RequestContext& ctx,
                      const http::Responder& responder);

  service::ApiKeyService& keys_;
  service::PolicyService& policies_;
  const auth::Authenticator* authenticator_;
  ratelimit::RateLimiter* rate_limiter_;
  const base::Clock& clock_;
  common::CorrelatorSource correlators_;
};

}  // namespace renkei::api::access
