#include "api/common/request_auth.hpp"

#include <algorithm>
#include <charconv>

namespace renkei::api::common {
namespace {

constexpr std::string_view kRetryAfterPrefix = "retry after ";

}  // namespace

std::string RateLimitClient(const auth::Principal* principal, const http::Request& request) {
  // Prefixes keep an app called "127.0.0.1" apart from that address.
  if (principal != nullptr && !principal->client_id.empty()) {
    return "client:" + principal->client_id;
  }
  if (principal != nullptr && !principal->subject.empty()) return "subject:" + principal->subject;
  return "address:" + request.remote_address;
}

base::Result<void> AuthenticateRequest(const auth::Authenticator* authenticator,
                                       ratelimit::RateLimiter* rate_limiter,
                                       const http::Request& request, service::RequestContext& ctx) {
  ctx.principal = nullptr;
  ctx.permissions = nullptr;
  if (authenticator != nullptr && authenticator->EnabledFor(ctx.tenant)) {
    const auth::Credentials credentials =
        auth::ReadCredentials([&request](std::string_view name) { return request.Header(name); });
    RENKEI_TRY(ctx.principal, authenticator->Authenticate(credentials, ctx.tenant, ctx.now));
    // Authorization (docs/security.md): the service layer checks every use case against these.
    RENKEI_TRY(ctx.permissions, authenticator->PermissionsFor(*ctx.principal, ctx.tenant));
  }
  if (rate_limiter == nullptr) return {};
  const auto refusal =
      rate_limiter->Admit(ctx.tenant, RateLimitClient(ctx.principal.get(), request), ctx.now);
  if (!refusal) return {};
  // The delay travels in the detail's last words (kRetryAfterPrefix N s), where
  // ChallengeHeaders reads it back: base::Error has no field for it.
  return base::Fail(
      base::ErrorCode::kTooManyRequests, "TooManyRequests",
      "too many requests: the " + std::string(ratelimit::LimitScopeName(refusal->scope)) +
          " rate limit of this tenant is exhausted; " + std::string(kRetryAfterPrefix) +
          std::to_string(refusal->retry_after_seconds) + " s");
}

http::HeaderList ChallengeHeaders(const base::Error& error) {
  if (error.code == base::ErrorCode::kTooManyRequests) {
    // RFC 9110 §10.2.3: delay-seconds; RFC 6585 §4 suggests it on 429. Errors from
    // elsewhere without the delay get one second.
    long seconds = 1;
    if (const auto at = error.detail.rfind(kRetryAfterPrefix); at != std::string::npos) {
      const char* first = error.detail.data() + at + kRetryAfterPrefix.size();
      std::from_chars(first, error.detail.data() + error.detail.size(), seconds);
    }
    return {{"Retry-After", std::to_string(std::max(1L, seconds))}};
  }
  if (error.code != base::ErrorCode::kUnauthorized) return {};
  return {{"WWW-Authenticate", std::string(kBearerChallenge)}};
}

}  // namespace renkei::api::common
