// JwtVerifier: the CredentialVerifier for OpenID Connect bearer tokens (issue 5 item 2,
// docs/security.md "OpenID Connect", docs/adr/0007): `Authorization: Bearer` or
// `X-Auth-Token` carrying a signed JWT from one of the tenant's trusted issuers.
//
// Order of checks: shape (ParseCompactJws) → `alg` accepted (AcceptedAlgorithm) → `iss` is
// one of this tenant's issuers (a token of tenant A's issuer against tenant B is refused
// here) → a key of that issuer fits `kid` and `alg` (unknown kid: IssuerKeys may refetch)
// → signature → claims (CheckClaims) → Principal. Every refusal is kUnauthorized with a
// detail that names the failed rule, never which part of a signature mismatched.
//
// Thread-safe after Create: Verify is called from every request thread.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "auth/authenticator.hpp"
#include "auth/issuer_keys.hpp"
#include "auth/token_claims.hpp"
#include "auth/trusted_issuer.hpp"
#include "auth/verified_token_cache.hpp"

namespace renkei::auth {

struct JwtVerifierOptions {
  std::chrono::seconds token_cache_ttl{60};  // 0 turns the cache off
  std::size_t token_cache_capacity = 10000;
};

class JwtVerifier final : public CredentialVerifier {
 public:
  // Reads every jwks_file now (kInvalidRequest naming the file on error); URLs are fetched
  // with `fetcher` when a token first needs them.
  static base::Result<std::unique_ptr<JwtVerifier>> Create(const TrustedIssuersByTenant& issuers,
                                                           JwksFetcher fetcher,
                                                           JwtVerifierOptions options = {});

  std::optional<base::Result<SharedPrincipal>> Verify(const Credentials& credentials,
                                                      const std::string& tenant,
                                                      base::Timestamp now) const override;

 private:
  struct Issuer {
    TrustedIssuer settings;
    std::shared_ptr<IssuerKeys> keys;
  };
  explicit JwtVerifier(JwtVerifierOptions options);
  base::Result<VerifiedToken> VerifyToken(std::string_view token, const std::string& tenant,
                                          base::Timestamp now) const;

  std::map<std::string, std::vector<Issuer>, std::less<>> issuers_;  // by tenant
  mutable VerifiedTokenCache cache_;
};

}  // namespace renkei::auth
