// An OpenID Connect provider a tenant trusts (docs/security.md "OpenID Connect"): parsed
// from [[auth.tenants."T".issuers]] by app/auth_config.cpp, fixed before the server starts.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace renkei::auth {

struct TrustedIssuer {
  std::string issuer;    // the token's `iss`, compared exactly (OIDC Core §3.1.3.7 step 2)
  std::string audience;  // must be one of the token's `aud`
  // Exactly one of: a JWKS file read at start, or a JWKS URL fetched when first needed.
  std::string jwks_file;
  std::string jwks_url;
  std::string roles_claim = "roles";  // dotted path to an array or space-separated string
  std::string tenant_claim;           // when set, this claim must equal the tenant
  std::map<std::string, int, std::less<>> acr_levels;  // `acr` → 当人認証レベル 1–3
  int clock_skew_seconds = 60;      // allowance on exp, nbf and iat (RFC 7519 §4.1.4)
  int jwks_refetch_seconds = 60;    // at most one fetch of jwks_url per this many seconds
  int jwks_max_age_seconds = 3600;  // fetched keys are refreshed after this (revocations)
};

using TrustedIssuersByTenant = std::map<std::string, std::vector<TrustedIssuer>, std::less<>>;

}  // namespace renkei::auth
