// The authentication step every endpoint runs after it knows the tenant (issue 5, docs/
// security.md): the request's credentials → auth::Authenticator → the principal the service
// layer sees in RequestContext::principal; then the rate limits of the tenant and of the
// client (docs/security.md "Rate limits"). The caller maps an error (kUnauthorized,
// kTooManyRequests) into its own format: Orion's {error, description}, NGSI-LD or admin
// ProblemDetails; each of those renderers adds the headers of ChallengeHeaders to any error.
#pragma once

#include <memory>

#include "auth/authenticator.hpp"
#include "base/result.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/request_context.hpp"

namespace renkei::api::common {

// Sets ctx.principal for ctx.tenant at ctx.now: nullptr when no authenticator is configured
// or the tenant has authentication off; with it ctx.permissions and ctx.personal_types. Then spends
// a token of the tenant's and the client's buckets in `rate_limiter` (none when nullptr):
// kTooManyRequests with retry_after_seconds when one is empty. Unauthenticated requests are refused
// before they spend tokens.
base::Result<void> AuthenticateRequest(const auth::Authenticator* authenticator,
                                       ratelimit::RateLimiter* rate_limiter,
                                       const http::Request& request, service::RequestContext& ctx);
// Moves what AuthenticateRequest set (principal, permissions, personal types) from the
// context it ran on to `to`: for NGSI-LD, which authenticates on an early context before it
// reads the body and builds the request's own.
void MoveAuthentication(service::RequestContext& from, service::RequestContext& to);

// Operations on what all tenants share (the hosted @context catalog, the whole audit chain)
// are the platform operator's once any tenant has authentication on: neither a tenant's own
// caller nor anyone on a tenant with authentication off may change or read them for all
// (docs/security.md "Platform-wide operations"). Ok when no tenant has authentication on (the
// embedded demo). With ctx.principal set (the tenant has authentication on) its roles decide;
// without, the request's credentials are verified as a platform operator's: 401 when missing
// or not accepted (WWW-Authenticate added by the renderers), 403 without the role.
base::Result<void> RequirePlatformOperator(const auth::Authenticator* authenticator,
                                           const http::Request& request,
                                           const service::RequestContext& ctx);

// Who a request counts against for its client rate limit: the principal's client id, else its
// subject, else (no or anonymous principal) the remote address.
std::string RateLimitClient(const auth::Principal* principal, const http::Request& request);

// RFC 9110 §11.6.1 / RFC 6750 §3: a 401 names the scheme it accepts.
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"renkei\"";
// The WWW-Authenticate header of a kUnauthorized error, the Retry-After header of a
// kTooManyRequests error; empty for other errors. Added by every error renderer (NGSIv2
// Reply::Error, NGSI-LD LdReply::Error, admin ProblemResponse), wherever the error arose:
// the request step or the service layer (an anonymous caller refused there is a 401 too).
http::HeaderList ChallengeHeaders(const base::Error& error);

}  // namespace renkei::api::common
