// Authenticator: turns a request's credentials into a Principal for its tenant (issue 5
// item 2, docs/security.md). Authentication is optional per tenant and off by default: for
// a tenant without it, Authenticate answers nullptr and nothing downstream checks anything.
// For a tenant with it, each registered CredentialVerifier (API keys, OpenID Connect tokens)
// is asked in turn; the first that recognises the credentials decides. No credentials at all
// are refused, or make the anonymous principal when AuthSettings::allow_anonymous is set.
// Thread-safe after set-up: verifiers and settings are fixed before the server starts.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "auth/access_cache.hpp"
#include "auth/credentials.hpp"
#include "auth/personal_types.hpp"
#include "auth/policy.hpp"
#include "auth/principal.hpp"
#include "auth/trusted_issuer.hpp"
#include "base/result.hpp"
#include "base/time.hpp"

namespace renkei::auth {

class CredentialVerifier {
 public:
  virtual ~CredentialVerifier() = default;
  // nullopt: these credentials are not of this verifier's kind. An error (kUnauthorized)
  // rejects the request; a principal (never nullptr) accepts it. A verifier that caches may
  // hand out the same principal to every request with the same credential.
  virtual std::optional<base::Result<SharedPrincipal>> Verify(const Credentials& credentials,
                                                              const std::string& tenant,
                                                              base::Timestamp now) const = 0;
};

// Where the tenants' authorization policies come from (service/policy_service.hpp).
class PolicySource {
 public:
  virtual ~PolicySource() = default;
  // The tenant's policy; an empty policy (default deny) when it has none.
  virtual base::Result<std::shared_ptr<const Policy>> PolicyFor(
      const std::string& tenant) const = 0;
};

// Where the tenants' personal data types come from (auth/personal_types.hpp): the one place
// that answers which types of a tenant are personal and at which assurance level.
class PersonalTypeSource {
 public:
  virtual ~PersonalTypeSource() = default;
  // Never nullptr; empty when the tenant has no personal type.
  virtual base::Result<std::shared_ptr<const PersonalTypes>> PersonalTypesFor(
      const std::string& tenant) const = 0;
};

struct AuthSettings {
  std::set<std::string, std::less<>> enabled_tenants;  // tenants that require authentication
  // Whether callers without credentials get the anonymous principal, for authorization to
  // decide (they may read the tenant's open types, docs/security.md), or 401. Even when on,
  // a tenant whose policy opens no type refuses them at once, before any body is read.
  bool allow_anonymous = true;
  // OpenID Connect providers each tenant trusts (auth::JwtVerifier, docs/security.md).
  TrustedIssuersByTenant trusted_issuers;
  // `[auth.tenants."T"] personal_types = [...]`: personal at kDefaultPersonalAssuranceLevel,
  // besides those the tenant's policy declares (docs/security.md "Personal data and consent").
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> configured_personal_types;
};

class Authenticator : public PersonalTypeSource {
 public:
  explicit Authenticator(AuthSettings settings)
      : settings_(std::move(settings)),
        everything_(std::make_shared<const Permissions>(Permissions::Everything())),
        no_personal_types_(std::make_shared<const PersonalTypes>()) {}

  void AddVerifier(std::unique_ptr<CredentialVerifier> verifier) {
    verifiers_.push_back(std::move(verifier));
  }
  // Set before the server starts; without one every tenant has the empty policy.
  void SetPolicySource(const PolicySource* policies) { policies_ = policies; }
  bool EnabledFor(std::string_view tenant) const {
    return settings_.enabled_tenants.contains(tenant);
  }
  // Whether some tenant has authentication on: then what all tenants share is the platform
  // operator's (api/common/request_auth.hpp RequirePlatformOperator).
  bool AnyEnabled() const { return !settings_.enabled_tenants.empty(); }

  // nullptr: the tenant has authentication off. kUnauthorized: credentials presented but not
  // valid (or of a kind no verifier accepts).
  base::Result<std::shared_ptr<const Principal>> Authenticate(const Credentials& credentials,
                                                              const std::string& tenant,
                                                              base::Timestamp now) const;
  // The verifier chain alone, whether or not `tenant` has authentication on: for operations
  // of the whole platform, where only a platform operator's credential counts.
  base::Result<std::shared_ptr<const Principal>> Verify(const Credentials& credentials,
                                                        const std::string& tenant,
                                                        base::Timestamp now) const;
  // What `principal` may do in `tenant` under the tenant's policy (auth/policy.hpp), with the
  // tenant's personal types: asked once per authenticated request and once per notification
  // batch, so the policy is looked up once and the built-in roles share one Permissions.
  base::Result<Access> AccessFor(const Principal& principal, const std::string& tenant) const;
  // AccessFor for a request's principal: remembered per principal and policy version
  // (access_cache.hpp), so a bearer token's requests share one evaluation. A principal no
  // one else holds (an anonymous caller's, an API key's) cannot come back and is not kept.
  base::Result<Access> RequestAccessFor(const SharedPrincipal& principal,
                                        const std::string& tenant) const;
  // The configured personal types of `tenant` merged with its policy's (a type named by both
  // keeps the higher level: neither source can lower what the other asks). A tenant with
  // authentication off has the configured ones only.
  base::Result<std::shared_ptr<const PersonalTypes>> PersonalTypesFor(
      const std::string& tenant) const override;

 private:
  // Whether the tenant's policy opens any type to anonymous callers.
  base::Result<bool> HasOpenTypes(const std::string& tenant) const;
  // The tenant's policy (nullptr: none, authentication off or no policy source).
  base::Result<std::shared_ptr<const Policy>> PolicyOf(const std::string& tenant) const;
  // AccessFor with the tenant's policy already in hand.
  Access Evaluated(const Principal& principal, const std::string& tenant,
                   const std::shared_ptr<const Policy>& policy) const;
  // PersonalTypesFor with the tenant's policy already in hand.
  std::shared_ptr<const PersonalTypes> PersonalTypesOf(
      const std::string& tenant, const std::shared_ptr<const Policy>& policy) const;

  AuthSettings settings_;
  // The permissions of the built-in roles, the same for every request (auth/roles.hpp).
  std::shared_ptr<const Permissions> everything_;
  // What a tenant without personal types has, shared (asked on every read and write).
  std::shared_ptr<const PersonalTypes> no_personal_types_;
  const PolicySource* policies_ = nullptr;
  // Enough for every token in use at a prefecture's busiest minute; a full cache is cleared.
  static constexpr std::size_t kAccessCacheCapacity = 4096;
  mutable AccessCache access_cache_{kAccessCacheCapacity};
  std::vector<std::unique_ptr<CredentialVerifier>> verifiers_;
};

}  // namespace renkei::auth
