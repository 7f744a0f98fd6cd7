#include "api/common/request_auth.hpp"

#include <algorithm>
#include <memory>
#include <string_view>

#include "auth/roles.hpp"

namespace renkei::api::common {

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
  ctx.personal_types = nullptr;
  if (authenticator != nullptr && authenticator->EnabledFor(ctx.tenant)) {
    const auth::Credentials credentials =
        auth::ReadCredentials([&request](std::string_view name) { return request.Header(name); });
    RENKEI_TRY(ctx.principal, authenticator->Authenticate(credentials, ctx.tenant, ctx.now));
    // Authorization and the personal data rule (docs/security.md): the service layer checks
    // every use case against these.
    RENKEI_TRY(auto access, authenticator->RequestAccessFor(ctx.principal, ctx.tenant));
    ctx.permissions = std::move(access.permissions);
    ctx.personal_types = std::move(access.personal_types);
  }
  // Most installations have no limits: the client's key is not even built then.
  if (rate_limiter == nullptr || !rate_limiter->Enabled()) return {};
  const auto refusal =
      rate_limiter->Admit(ctx.tenant, RateLimitClient(ctx.principal.get(), request), ctx.now);
  if (!refusal) return {};
  base::Error error{base::ErrorCode::kTooManyRequests, "TooManyRequests",
                    "too many requests: the " +
                        std::string(ratelimit::LimitScopeName(refusal->scope)) +
                        " rate limit of this tenant is exhausted; retry after " +
                        std::to_string(refusal->retry_after_seconds) + " s"};
  error.retry_after_seconds = refusal->retry_after_seconds;
  return base::Fail(std::move(error));
}

void MoveAuthentication(service::RequestContext& from, service::RequestContext& to) {
  to.principal = std::move(from.principal);
  to.permissions = std::move(from.permissions);
  to.personal_types = std::move(from.personal_types);
}

base::Result<void> RequirePlatformOperator(const auth::Authenticator* authenticator,
                                           const http::Request& request,
                                           const service::RequestContext& ctx) {
  if (authenticator == nullptr || !authenticator->AnyEnabled()) return {};
  std::shared_ptr<const auth::Principal> principal = ctx.principal;
  if (principal == nullptr) {
    const auth::Credentials credentials =
        auth::ReadCredentials([&request](std::string_view name) { return request.Header(name); });
    if (credentials.Empty()) {
      return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                        "this operation of the whole platform needs a platform operator's "
                        "credentials");
    }
    RENKEI_TRY(principal, authenticator->Verify(credentials, ctx.tenant, ctx.now));
  }
  if (principal->HasRole(auth::kPlatformOperatorRole)) return {};
  if (principal->IsAnonymous()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "this operation of the whole platform needs a platform operator");
  }
  return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                    "this operation of the whole platform needs the role platform-operator");
}

http::HeaderList ChallengeHeaders(const base::Error& error) {
  if (error.code == base::ErrorCode::kTooManyRequests) {
    // RFC 9110 §10.2.3: delay-seconds; RFC 6585 §4 suggests it on 429. An error without a
    // delay gets one second.
    return {{"Retry-After", std::to_string(std::max<std::int64_t>(1, error.retry_after_seconds))}};
  }
  if (error.code != base::ErrorCode::kUnauthorized) return {};
  return {{"WWW-Authenticate", std::string(kBearerChallenge)}};
}

}  // namespace renkei::api::common
