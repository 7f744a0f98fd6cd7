#include "api/common/request_auth.hpp"

namespace renkei::api::common {

base::Result<void> AuthenticateRequest(const auth::Authenticator* authenticator,
                                       const http::Request& request, service::RequestContext& ctx) {
  ctx.principal = nullptr;
  ctx.permissions = nullptr;
  if (authenticator == nullptr || !authenticator->EnabledFor(ctx.tenant)) return {};
  const auth::Credentials credentials =
      auth::ReadCredentials([&request](std::string_view name) { return request.Header(name); });
  RENKEI_TRY(ctx.principal, authenticator->Authenticate(credentials, ctx.tenant, ctx.now));
  // Authorization (docs/security.md): the service layer checks every use case against these.
  RENKEI_TRY(ctx.permissions, authenticator->PermissionsFor(*ctx.principal, ctx.tenant));
  return {};
}

http::HeaderList ChallengeHeaders(const base::Error& error) {
  if (error.code != base::ErrorCode::kUnauthorized) return {};
  return {{"WWW-Authenticate", std::string(kBearerChallenge)}};
}

}  // namespace renkei::api::common
