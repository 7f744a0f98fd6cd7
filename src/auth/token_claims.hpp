// The claims of a token whose signature verified, checked against the trusted issuer and
// turned into a Principal (RFC 7519 §4.1, OpenID Connect Core §3.1.3.7, RFC 9068 §4).
//
// Refused (kUnauthorized "InvalidToken"): no `aud` equal to the issuer's audience (string
// or array), no numeric `exp` or `exp` passed, `nbf` or `iat` in the future (each with the
// issuer's clock skew), a tenant claim that differs from the tenant, no `sub`.
#pragma once

#include <boost/json.hpp>
#include <string>

#include "auth/principal.hpp"
#include "auth/trusted_issuer.hpp"
#include "base/result.hpp"
#include "base/time.hpp"

namespace renkei::auth {

struct VerifiedToken {
  Principal principal;
  base::Timestamp expires;  // `exp` plus the clock skew: the last moment it is accepted
};

base::Result<VerifiedToken> CheckClaims(const boost::json::object& claims,
                                        const TrustedIssuer& issuer, const std::string& tenant,
                                        base::Timestamp now);

}  // namespace renkei::auth
