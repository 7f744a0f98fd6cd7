#include "auth/policy.hpp"

#include <algorithm>

#include "auth/roles.hpp"

namespace renkei::auth {
namespace {

constexpr std::array<std::string_view, kActionCount> kActionNames = {"read", "write", "subscribe",
                                                                     "administer"};

bool Applies(const PolicyRule& rule, const Principal& principal) {
  if (principal.IsAnonymous()) return false;  // anonymous callers get open types only
  const bool by_role =
      std::any_of(rule.roles.begin(), rule.roles.end(),
                  [&](const std::string& role) { return principal.HasRole(role); });
  const bool by_app =
      !principal.client_id.empty() &&
      std::find(rule.apps.begin(), rule.apps.end(), principal.client_id) != rule.apps.end();
  return by_role || by_app;
}

}  // namespace

std::string_view ActionName(Action action) {
  return kActionNames[static_cast<std::size_t>(action)];
}

std::optional<Action> ParseAction(std::string_view name) {
  for (std::size_t i = 0; i < kActionCount; ++i) {
    if (kActionNames[i] == name) return static_cast<Action>(i);
  }
  return std::nullopt;
}

Permissions Permissions::Everything() {
  Permissions all;
  for (auto& grant : all.grants_) grant.every_type = true;
  return all;
}

void Permissions::Grant(Action action, std::string_view type) {
  auto& grant = grants_[static_cast<std::size_t>(action)];
  if (type == kAnyType) {
    grant.every_type = true;
    grant.types.clear();
  } else if (!grant.every_type) {
    grant.types.emplace(type);
  }
}

bool Permissions::Allows(Action action, std::string_view type) const {
  const auto& grant = grants_[static_cast<std::size_t>(action)];
  return grant.every_type || grant.types.contains(type);
}

bool Permissions::AllowsAny(Action action) const {
  const auto& grant = grants_[static_cast<std::size_t>(action)];
  return grant.every_type || !grant.types.empty();
}

std::optional<std::set<std::string, std::less<>>> Permissions::TypesFor(Action action) const {
  const auto& grant = grants_[static_cast<std::size_t>(action)];
  if (grant.every_type) return std::nullopt;
  return grant.types;
}

Permissions Evaluate(const Policy& policy, const Principal& principal, std::string_view tenant) {
  // The built-in roles (roles.hpp): a tenant admin only in the tenant its credential
  // belongs to, a platform operator in every tenant.
  if (!principal.IsAnonymous() &&
      (principal.HasRole(kPlatformOperatorRole) ||
       (principal.HasRole(kTenantAdminRole) && principal.tenant == tenant))) {
    return Permissions::Everything();
  }
  Permissions permissions;
  for (const auto& type : policy.open_types) permissions.Grant(Action::kRead, type);
  // A credential of another tenant gets nothing from this tenant's rules.
  if (principal.tenant != tenant) return permissions;
  for (const auto& rule : policy.rules) {
    if (!Applies(rule, principal)) continue;
    for (Action action : rule.actions) {
      for (const auto& type : rule.types) permissions.Grant(action, type);
    }
  }
  return permissions;
}

}  // namespace renkei::auth
