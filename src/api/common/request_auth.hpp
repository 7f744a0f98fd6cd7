// The authentication step every endpoint runs after it knows the tenant (issue 5, docs/
// security.md): the request's credentials → auth::Authenticator → the principal the service
// layer sees in RequestContext::principal. The caller maps an error (kUnauthorized) into its
// own format: Orion's {error, description}, NGSI-LD or admin ProblemDetails.
#pragma once

#include <memory>

#include "auth/authenticator.hpp"
#include "base/result.hpp"
#include "http/message.hpp"
#include "service/request_context.hpp"

namespace renkei::api::common {

// Sets ctx.principal for ctx.tenant at ctx.now: nullptr when no authenticator is configured
// or the tenant has authentication off.
base::Result<void> AuthenticateRequest(const auth::Authenticator* authenticator,
                                       const http::Request& request, service::RequestContext& ctx);

// RFC 9110 §11.6.1 / RFC 6750 §3: a 401 names the scheme it accepts.
inline constexpr std::string_view kBearerChallenge = "Bearer realm=\"renkei\"";
// The WWW-Authenticate header of a kUnauthorized error; empty for other errors.
http::HeaderList ChallengeHeaders(const base::Error& error);

}  // namespace renkei::api::common
