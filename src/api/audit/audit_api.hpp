// The audit log's admin endpoints (issue 5 item 5, docs/security.md "Audit log"):
//   GET /admin/v1/audit          records of the request's tenant, filtered by resident and
//                                time (from, to: ISO 8601), paged by `after` (a seq) and
//                                `limit`; `format=jsonl` answers JSON lines for export
//   GET /admin/v1/audit/verify   walks the whole hash chain, reports the first broken link
//   GET /admin/v1/me/accesses    the calling resident's own records (subject = resident)
// Until authorization policies exist (h/authz), the first two require the role
// `platform-operator` or `tenant-admin` of an authenticated principal (verify:
// `platform-operator`); for a tenant with authentication off nothing is checked, as for every
// other endpoint. Errors are ProblemDetails (api/common/problem_details.hpp).
// Thread-safety: Handle may be called from any thread.
#pragma once

#include <string_view>

#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "store/audit_store.hpp"

namespace renkei::api::audit {

inline constexpr std::string_view kAuditPath = "/admin/v1/audit";
inline constexpr std::string_view kMyAccessesPath = "/admin/v1/me/accesses";
// Records per page: default and largest.
inline constexpr std::size_t kDefaultAuditLimit = 100;
inline constexpr std::size_t kMaxAuditLimit = 10000;

class AuditApi {
 public:
  AuditApi(store::AuditStore& store, const base::Clock& clock,
           const auth::Authenticator* authenticator, ratelimit::RateLimiter* rate_limiter)
      : store_(store), clock_(clock), authenticator_(authenticator), rate_limiter_(rate_limiter) {}

  // Whether `path` is one of this API's.
  static bool Serves(std::string_view path);
  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  store::AuditStore& store_;
  const base::Clock& clock_;
  const auth::Authenticator* authenticator_;
  ratelimit::RateLimiter* rate_limiter_;
};

}  // namespace renkei::api::audit
