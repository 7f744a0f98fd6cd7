// Principal: who is calling, as authentication established it (issue 5, docs/security.md).
// Built once per request by auth::Authenticator and carried in service::RequestContext;
// authorization, consent and audit read it, nothing writes it afterwards.
#pragma once

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace renkei::auth {

enum class PrincipalKind {
  kAnonymous,    // no credentials presented (open datasets only, once a tenant turns auth on)
  kApiKey,       // an app or device key (X-Api-Key)
  kBearerToken,  // an OpenID Connect token (Authorization: Bearer, X-Auth-Token)
};

// The kind's name in the audit log and in a subscription's stored owner.
inline std::string_view PrincipalKindName(PrincipalKind kind) {
  switch (kind) {
    case PrincipalKind::kAnonymous:
      return "anonymous";
    case PrincipalKind::kApiKey:
      return "apiKey";
    case PrincipalKind::kBearerToken:
      return "bearerToken";
  }
  return "anonymous";
}

inline std::optional<PrincipalKind> ParsePrincipalKind(std::string_view name) {
  for (auto kind :
       {PrincipalKind::kAnonymous, PrincipalKind::kApiKey, PrincipalKind::kBearerToken}) {
    if (PrincipalKindName(kind) == name) return kind;
  }
  return std::nullopt;
}

struct Principal {
  PrincipalKind kind = PrincipalKind::kAnonymous;
  std::string subject;    // the resident's 市民ID, or the app's client id; "" when anonymous
  std::string client_id;  // the app acting (the key's app, the token's azp/client_id)
  std::string issuer;     // the token's issuer; "" for API keys and anonymous callers
  std::string tenant;     // the tenant the credential belongs to
  std::vector<std::string> roles;
  int assurance_level = 0;  // 当人認証レベル 1–3 from the token's acr; 0 when none

  bool HasRole(std::string_view role) const {
    return std::find(roles.begin(), roles.end(), role) != roles.end();
  }
  bool IsAnonymous() const { return kind == PrincipalKind::kAnonymous; }
};

// Principals are immutable once built and shared: by the request that carries one, by the
// verifiers' caches and by the authenticator's cache of what each may do.
using SharedPrincipal = std::shared_ptr<const Principal>;

}  // namespace renkei::auth
