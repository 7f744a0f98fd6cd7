// The consent endpoints (issue 5 item 4, docs/security.md "Personal data and consent"):
//   POST   /admin/v1/me/consents        {"app", "types", "purpose", "expiresAt"} → 201 with
//                                       Location /admin/v1/me/consents/{id}
//   GET    /admin/v1/me/consents        the caller's live consents (?all=true: revoked and
//                                       expired ones too)
//   DELETE /admin/v1/me/consents/{id}   revoke (effective at once) → 204
//   GET    /admin/v1/tenants/{t}/consents   every resident's (?resident=, ?all=true), for the
//                                       tenant's admins and platform operators
// The tenant of /me is the Fiware-Service / NGSILD-Tenant header's, as for
// /admin/v1/me/accesses; the resident is the caller (service/consent_service.hpp). Errors are
// ProblemDetails (api/common/problem_details.hpp).
// Thread-safety: Handle may be called concurrently; writes answer from the store's writer
// thread once durable.
#pragma once

#include <string_view>

#include "api/common/correlator.hpp"
#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/consent_service.hpp"

namespace renkei::api::consent {

inline constexpr std::string_view kMyConsentsPath = "/admin/v1/me/consents";
// Largest consent request accepted.
inline constexpr std::size_t kMaxConsentBodyBytes = 64 * 1024;

class ConsentApi {
 public:
  ConsentApi(service::ConsentService& consents, const auth::Authenticator* authenticator,
             ratelimit::RateLimiter* rate_limiter, const base::Clock& clock)
      : consents_(consents),
        authenticator_(authenticator),
        rate_limiter_(rate_limiter),
        clock_(clock) {}

  // Whether `path` is one of this API's (the tenants' one shares its prefix with
  // api/access: the dispatcher asks this first).
  static bool Serves(std::string_view path);
  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  void HandleOwn(const http::Request& request, const service::RequestContext& ctx,
                 std::string_view id, const http::Responder& responder);
  void HandleTenant(const http::Request& request, const service::RequestContext& ctx,
                    const http::Responder& responder);

  service::ConsentService& consents_;
  const auth::Authenticator* authenticator_;
  ratelimit::RateLimiter* rate_limiter_;
  const base::Clock& clock_;
  common::CorrelatorSource correlators_;
};

}  // namespace renkei::api::consent
