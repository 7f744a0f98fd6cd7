#include "auth/jwt_verifier.hpp"

#include <algorithm>

#include "auth/compact_jws.hpp"
#include "auth/jws_algorithm.hpp"
#include "auth/token_claims.hpp"

namespace renkei::auth {

JwtVerifier::JwtVerifier(JwtVerifierOptions options)
    : cache_(options.token_cache_ttl, options.token_cache_capacity) {}

base::Result<std::unique_ptr<JwtVerifier>> JwtVerifier::Create(
    const TrustedIssuersByTenant& issuers, JwksFetcher fetcher, JwtVerifierOptions options) {
  std::unique_ptr<JwtVerifier> verifier(new JwtVerifier(options));
  for (const auto& [tenant, list] : issuers) {
    for (const auto& settings : list) {
      Issuer issuer{settings, nullptr};
      if (!settings.jwks_file.empty()) {
        RENKEI_TRY(auto keys, IssuerKeys::FromFile(settings.jwks_file));
        issuer.keys = std::move(keys);
      } else {
        issuer.keys = std::make_shared<IssuerKeys>(
            settings.jwks_url, fetcher, std::chrono::seconds(settings.jwks_refetch_seconds),
            std::chrono::seconds(settings.jwks_max_age_seconds));
      }
      verifier->issuers_[tenant].push_back(std::move(issuer));
    }
  }
  return verifier;
}

std::optional<base::Result<SharedPrincipal>> JwtVerifier::Verify(const Credentials& credentials,
                                                                 const std::string& tenant,
                                                                 base::Timestamp now) const {
  if (!credentials.bearer_token) return std::nullopt;
  const std::string& token = *credentials.bearer_token;
  if (auto cached = cache_.Find(tenant, token, now)) return cached;
  auto verified = VerifyToken(token, tenant, now);
  if (!verified) return base::Result<SharedPrincipal>(verified.error());
  SharedPrincipal principal = std::make_shared<const Principal>(std::move(verified->principal));
  cache_.Remember(tenant, token, principal, verified->expires, now);
  return principal;
}

base::Result<VerifiedToken> JwtVerifier::VerifyToken(std::string_view token,
                                                     const std::string& tenant,
                                                     base::Timestamp now) const {
  RENKEI_TRY(const CompactJws jws, ParseCompactJws(token));
  RENKEI_TRY(const JwsAlgorithm algorithm, AcceptedAlgorithm(jws.algorithm));
  const auto* iss = jws.claims.if_contains("iss");
  if (iss == nullptr || !iss->is_string()) return TokenRefused("the token has no 'iss'");
  auto tenant_issuers = issuers_.find(tenant);
  if (tenant_issuers == issuers_.end()) {
    return TokenRefused("this tenant trusts no token issuer");
  }
  const auto& candidates = tenant_issuers->second;
  auto issuer = std::find_if(candidates.begin(), candidates.end(), [&](const Issuer& entry) {
    return entry.settings.issuer == iss->as_string();
  });
  if (issuer == candidates.end()) {
    return TokenRefused("the token's issuer is not trusted for this tenant");
  }
  const auto keys = issuer->keys->Keys(jws.key_id, now);
  bool key_found = false;
  for (const PublicJwk& key : *keys) {
    // RFC 7515 §4.1.4: with a `kid`, only that key; without, every key that fits `alg`.
    if ((jws.key_id && key.key_id != *jws.key_id) || !key.Fits(algorithm)) continue;
    key_found = true;
    if (VerifyJwsSignature(algorithm, key.key.get(), jws.signing_input, jws.signature)) {
      return CheckClaims(jws.claims, issuer->settings, tenant, now);
    }
  }
  if (!key_found) {
    return TokenRefused("no key of the issuer matches the token's 'kid' and " +
                        std::string(AlgorithmName(algorithm)));
  }
  return TokenRefused("the token's signature does not verify");
}

}  // namespace renkei::auth
