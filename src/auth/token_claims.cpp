#include "auth/token_claims.hpp"

#include <cmath>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "auth/compact_jws.hpp"
#include "auth/roles.hpp"

namespace renkei::auth {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMillisPerSecond = 1000;

// RFC 7519 §2 NumericDate: seconds since the epoch, possibly with a fraction.
std::optional<std::int64_t> NumericDateMillis(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr) return std::nullopt;
  // Beyond ±10^12 s (year 33658) a date is nonsense, and milliseconds would overflow.
  constexpr std::int64_t kLimit = 1'000'000'000'000;
  if (value->is_int64() && value->as_int64() > -kLimit && value->as_int64() < kLimit) {
    return value->as_int64() * kMillisPerSecond;
  }
  if (value->is_double() && std::isfinite(value->as_double()) &&
      std::abs(value->as_double()) < static_cast<double>(kLimit)) {
    return static_cast<std::int64_t>(value->as_double() * kMillisPerSecond);
  }
  return std::nullopt;  // a uint64 above int64's range is over the limit too
}

std::optional<std::string> StringClaim(const json::object& claims, std::string_view name) {
  const auto* value = claims.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

bool AudienceContains(const json::value* aud, std::string_view audience) {
  if (aud == nullptr) return false;
  if (aud->is_string()) return aud->as_string() == audience;
  if (!aud->is_array()) return false;
  for (const auto& entry : aud->as_array()) {
    if (entry.is_string() && entry.as_string() == audience) return true;
  }
  return false;
}

// A dotted path ("realm_access.roles", as Keycloak nests them) into the claims.
const json::value* ClaimAtPath(const json::object& claims, std::string_view path) {
  const json::object* object = &claims;
  const json::value* value = nullptr;
  while (object != nullptr) {
    const std::size_t dot = path.find('.');
    value = object->if_contains(path.substr(0, dot));
    if (dot == std::string_view::npos || value == nullptr) return value;
    path.remove_prefix(dot + 1);
    object = value->if_object();
  }
  return nullptr;
}

// RFC 9068 §2.2.3.1 writes roles as an array of strings; OAuth's `scope` style (RFC 8693
// §4.2) as one space-separated string. Both are accepted; anything else gives no roles.
std::vector<std::string> Roles(const json::value* value) {
  std::vector<std::string> roles;
  if (value == nullptr) return roles;
  if (value->is_array()) {
    for (const auto& entry : value->as_array()) {
      if (entry.is_string()) roles.emplace_back(entry.as_string());
    }
  } else if (value->is_string()) {
    std::istringstream words{std::string(value->as_string())};
    for (std::string role; words >> role;) roles.push_back(role);
  }
  return roles;
}

}  // namespace

base::Result<VerifiedToken> CheckClaims(const json::object& claims, const TrustedIssuer& issuer,
                                        const std::string& tenant, base::Timestamp now) {
  const std::int64_t skew_ms = std::int64_t{issuer.clock_skew_seconds} * kMillisPerSecond;
  if (!AudienceContains(claims.if_contains("aud"), issuer.audience)) {
    return TokenRefused("the token is not for this audience ('aud' must contain '" +
                        issuer.audience + "')");
  }
  const auto exp = NumericDateMillis(claims, "exp");
  if (!exp) return TokenRefused("the token has no numeric 'exp'");
  if (now.millis > *exp + skew_ms) return TokenRefused("the token has expired");
  if (claims.contains("nbf")) {
    const auto nbf = NumericDateMillis(claims, "nbf");
    if (!nbf || now.millis < *nbf - skew_ms) return TokenRefused("the token is not yet valid");
  }
  if (claims.contains("iat")) {
    const auto iat = NumericDateMillis(claims, "iat");
    if (!iat || now.millis < *iat - skew_ms) {
      return TokenRefused("the token was issued in the future ('iat')");
    }
  }
  if (!issuer.tenant_claim.empty() && StringClaim(claims, issuer.tenant_claim) != tenant) {
    return TokenRefused("the token's '" + issuer.tenant_claim + "' is not this tenant");
  }
  auto subject = StringClaim(claims, "sub");
  if (!subject || subject->empty()) return TokenRefused("the token has no 'sub'");

  VerifiedToken token;
  token.expires = base::Timestamp{*exp + skew_ms};
  Principal& principal = token.principal;
  principal.kind = PrincipalKind::kBearerToken;
  principal.subject = std::move(*subject);
  // RFC 9068 §2.2 names the app `client_id`; OIDC Core §2 ID tokens name it `azp`.
  principal.client_id =
      StringClaim(claims, "azp").value_or(StringClaim(claims, "client_id").value_or(""));
  principal.issuer = issuer.issuer;
  principal.tenant = tenant;
  principal.roles = Roles(ClaimAtPath(claims, issuer.roles_claim));
  // A tenant's identity provider speaks for its own tenant only: the platform-operator role
  // (every tenant, the shared @context catalog, the whole audit chain) comes from keys the
  // platform makes (CLI, operator), never from a town's token (docs/security.md "Roles").
  std::erase(principal.roles, std::string(kPlatformOperatorRole));
  if (auto acr = StringClaim(claims, "acr")) {
    if (auto level = issuer.acr_levels.find(*acr); level != issuer.acr_levels.end()) {
      principal.assurance_level = level->second;
    }
  }
  return token;
}

}  // namespace renkei::auth
