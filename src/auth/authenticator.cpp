#include "auth/authenticator.hpp"

namespace renkei::auth {

base::Result<std::shared_ptr<const Principal>> Authenticator::Authenticate(
    const Credentials& credentials, const std::string& tenant, base::Timestamp now) const {
  if (!EnabledFor(tenant)) return std::shared_ptr<const Principal>();
  if (credentials.malformed_authorization) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "the Authorization header must be 'Bearer <token>'");
  }
  if (credentials.Empty()) {
    bool open = false;
    if (settings_.allow_anonymous) {
      RENKEI_TRY(open, HasOpenTypes(tenant));
    }
    if (!open) {
      return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                        "this tenant requires authentication (X-Api-Key or a bearer token)");
    }
    auto anonymous = std::make_shared<Principal>();
    anonymous->tenant = tenant;
    return std::shared_ptr<const Principal>(std::move(anonymous));
  }
  return Verify(credentials, tenant, now);
}

base::Result<std::shared_ptr<const Principal>> Authenticator::Verify(const Credentials& credentials,
                                                                     const std::string& tenant,
                                                                     base::Timestamp now) const {
  if (credentials.several) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "present one credential: X-Api-Key or one bearer token, not several");
  }
  for (const auto& verifier : verifiers_) {
    auto verified = verifier->Verify(credentials, tenant, now);
    if (!verified) continue;
    if (!*verified) return base::Fail(verified->error());
    return std::move(**verified);
  }
  return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                    "the credentials presented are not accepted for this tenant");
}

base::Result<bool> Authenticator::HasOpenTypes(const std::string& tenant) const {
  if (policies_ == nullptr) return false;
  RENKEI_TRY(auto policy, policies_->PolicyFor(tenant));
  return !policy->open_types.empty();
}

base::Result<std::shared_ptr<const Policy>> Authenticator::PolicyOf(
    const std::string& tenant) const {
  // Only a tenant with authentication on has a policy (its admins manage it through the API);
  // asking for others would also fill the policy cache with whatever tenant names callers send.
  if (policies_ == nullptr || !EnabledFor(tenant)) return std::shared_ptr<const Policy>();
  return policies_->PolicyFor(tenant);
}

base::Result<Access> Authenticator::AccessFor(const Principal& principal,
                                              const std::string& tenant) const {
  RENKEI_TRY(auto policy, PolicyOf(tenant));
  return Evaluated(principal, tenant, policy);
}

base::Result<Access> Authenticator::RequestAccessFor(const SharedPrincipal& principal,
                                                     const std::string& tenant) const {
  // The policy is looked up on every request all the same: its identity is the version the
  // cached answer must match.
  RENKEI_TRY(auto policy, PolicyOf(tenant));
  if (auto cached = access_cache_.Find(principal, tenant, policy)) return std::move(*cached);
  Access access = Evaluated(*principal, tenant, policy);
  // use_count: the request's copy alone means no cache holds this principal.
  if (principal.use_count() > 1) access_cache_.Remember(principal, tenant, policy, access);
  return access;
}

Access Authenticator::Evaluated(const Principal& principal, const std::string& tenant,
                                const std::shared_ptr<const Policy>& policy) const {
  Access access;
  access.personal_types = PersonalTypesOf(tenant, policy);
  if (HasBuiltInRoleIn(principal, tenant)) {
    access.permissions = everything_;
  } else {
    access.permissions = std::make_shared<const Permissions>(
        Evaluate(policy != nullptr ? *policy : Policy{}, principal, tenant));
  }
  return access;
}

base::Result<std::shared_ptr<const PersonalTypes>> Authenticator::PersonalTypesFor(
    const std::string& tenant) const {
  RENKEI_TRY(auto policy, PolicyOf(tenant));
  return PersonalTypesOf(tenant, policy);
}

std::shared_ptr<const PersonalTypes> Authenticator::PersonalTypesOf(
    const std::string& tenant, const std::shared_ptr<const Policy>& policy) const {
  const auto configured = settings_.configured_personal_types.find(tenant);
  if (configured == settings_.configured_personal_types.end()) {
    // The common case: the policy's own set, shared with the cached policy (no copy).
    if (policy != nullptr) return {policy, &policy->personal_types};
    return no_personal_types_;
  }
  auto merged = std::make_shared<PersonalTypes>();
  for (const auto& type : configured->second) {
    merged->Declare(type, kDefaultPersonalAssuranceLevel);
  }
  if (policy != nullptr) {
    for (const auto& [type, level] : policy->personal_types.levels) merged->Declare(type, level);
  }
  return merged;
}

}  // namespace renkei::auth
