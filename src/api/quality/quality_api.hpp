// QualityApi: GET /admin/v1/quality, the data quality report of a tenant as JSON
// (docs/data-quality.md "HTTP"). The tenant comes from Fiware-Service or NGSILD-Tenant (the
// same tenants, architecture.md), the scope from Fiware-ServicePath; query parameters
// `dataset`, `check`, `limit` (1–1000, default 100) and `offset` page the failing records.
// Errors are ProblemDetails (problem_details.hpp). Handle is thread-safe and answers on
// the calling thread (the report is a read).
#pragma once

#include <string_view>

#include "api/common/correlator.hpp"
#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "opendata/quality_service.hpp"
#include "ratelimit/rate_limiter.hpp"

namespace renkei::api::quality {

inline constexpr std::string_view kQualityPath = "/admin/v1/quality";

class QualityApi {
 public:
  // `authenticator`: authentication of the tenant's caller, `rate_limiter`: rate limits per
  // tenant and client (docs/security.md); nullptr: none.
  QualityApi(const renkei::opendata::QualityService& service, const base::Clock& clock,
             const auth::Authenticator* authenticator = nullptr,
             ratelimit::RateLimiter* rate_limiter = nullptr)
      : service_(service),
        clock_(clock),
        authenticator_(authenticator),
        rate_limiter_(rate_limiter) {}

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  const renkei::opendata::QualityService& service_;
  const base::Clock& clock_;
  const auth::Authenticator* authenticator_;
  ratelimit::RateLimiter* rate_limiter_;
  common::CorrelatorSource correlators_;
};

}  // namespace renkei::api::quality
