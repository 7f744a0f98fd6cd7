// Authenticator: turns a request's credentials into a Principal for its tenant (issue 5
// item 2, docs/security.md). Authentication is optional per tenant and off by default: for
// a tenant without it, Authenticate answers nullptr and nothing downstream checks anything.
// For a tenant with it, each registered CredentialVerifier (API keys, OpenID Connect tokens)
// is asked in turn; the first that recognises the credentials decides. No credentials at all
// are refused, or make the anonymous principal when AuthSettings::allow_anonymous is set.
// Thread-safe after set-up: verifiers and settings are fixed before the server starts.
#pragma once

#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/credentials.hpp"
#include "auth/principal.hpp"
#include "auth/trusted_issuer.hpp"
#include "base/result.hpp"
#include "base/time.hpp"

namespace renkei::auth {

class CredentialVerifier {
 public:
  virtual ~CredentialVerifier() = default;
  // nullopt: these credentials are not of this verifier's kind. An error (kUnauthorized)
  // rejects the request; a principal accepts it.
  virtual std::optional<base::Result<Principal>> Verify(const Credentials& credentials,
                                                        const std::string& tenant,
                                                        base::Timestamp now) const = 0;
};

struct AuthSettings {
  std::set<std::string, std::less<>> enabled_tenants;  // tenants that require authentication
  // Whether callers without credentials get the anonymous principal (for authorization to
  // decide, e.g. open datasets) or 401. Off until authorization can tell open data apart:
  // default deny (issue 5 item 3).
  bool allow_anonymous = false;
  // OpenID Connect providers each tenant trusts (auth::JwtVerifier, docs/security.md).
  TrustedIssuersByTenant trusted_issuers;
};

class Authenticator {
 public:
  explicit Authenticator(AuthSettings settings) : settings_(std::move(settings)) {}

  void AddVerifier(std::unique_ptr<CredentialVerifier> verifier) {
    verifiers_.push_back(std::move(verifier));
  }
  bool EnabledFor(std::string_view tenant) const {
    return settings_.enabled_tenants.contains(tenant);
  }

  // nullptr: the tenant has authentication off. kUnauthorized: credentials presented but not
  // valid (or of a kind no verifier accepts).
  base::Result<std::shared_ptr<const Principal>> Authenticate(const Credentials& credentials,
                                                              const std::string& tenant,
                                                              base::Timestamp now) const;

 private:
  AuthSettings settings_;
  std::vector<std::unique_ptr<CredentialVerifier>> verifiers_;
};

}  // namespace renkei::auth
