#include "api/common/admin_request.hpp"

#include "api/common/problem_details.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"

namespace renkei::api::common {

base::Result<service::RequestContext> BeginAdminRequest(const http::Request& request,
                                                        std::optional<std::string_view> tenant,
                                                        std::string correlator, base::Timestamp now,
                                                        const AdminRequestLimits& limits) {
  RENKEI_TRY(auto ctx, BuildRequestContext(tenant, std::nullopt, ServicePathUse::kRead,
                                           std::move(correlator), now));
  if (request.body_too_large || request.body.size() > limits.max_body_bytes) {
    return base::Fail(
        base::ErrorCode::kPayloadTooLarge, "PayloadTooLarge",
        "the body is larger than " + std::to_string(limits.max_body_bytes) + " bytes");
  }
  RENKEI_TRY_VOID(AuthenticateRequest(limits.authenticator, limits.rate_limiter, request, ctx));
  return ctx;
}

http::Response MethodNotAllowed(const http::Request& request, std::string_view allow) {
  auto response =
      ProblemResponse(base::MakeError(base::ErrorCode::kMethodNotAllowed, "MethodNotAllowed",
                                      request.method + " is not allowed on " + request.path),
                      request.path);
  response.Set("Allow", std::string(allow));
  return response;
}

}  // namespace renkei::api::common
