// The steps every admin endpoint with a body and a tenant runs before its own work
// (`/admin/v1/tenants/{t}/...`, `/admin/v1/me/consents`): the request context of the tenant,
// the body limit, then authentication and rate limits (request_auth.hpp). Errors are for
// ProblemResponse (problem_details.hpp), which adds the challenge headers.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "base/result.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/request_context.hpp"

namespace renkei::api::common {

struct AdminRequestLimits {
  const auth::Authenticator* authenticator = nullptr;
  ratelimit::RateLimiter* rate_limiter = nullptr;
  std::size_t max_body_bytes = 0;
};

// The context of `request` for `tenant` (a header's or a path's value, validated as
// Fiware-Service is), with the principal set: kPayloadTooLarge over the body limit,
// kUnauthorized / kTooManyRequests from authentication.
base::Result<service::RequestContext> BeginAdminRequest(const http::Request& request,
                                                        std::optional<std::string_view> tenant,
                                                        std::string correlator, base::Timestamp now,
                                                        const AdminRequestLimits& limits);

// 405 ProblemDetails with the Allow header.
http::Response MethodNotAllowed(const http::Request& request, std::string_view allow);

}  // namespace renkei::api::common
