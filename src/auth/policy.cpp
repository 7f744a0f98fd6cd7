#include "auth/policy.hpp"

#include <algorithm>

#include "auth/path_prefix.hpp"
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

bool ScopedGrant::CoversPath(std::string_view service_path) const {
  if (path_prefixes.empty()) return true;
  return std::any_of(path_prefixes.begin(), path_prefixes.end(),
                     [&](const std::string& prefix) { return PathUnder(prefix, service_path); });
}

bool ScopedGrant::CoversSubtree(std::string_view prefix) const {
  if (path_prefixes.empty()) return true;
  return std::any_of(path_prefixes.begin(), path_prefixes.end(),
                     [&](const std::string& mine) { return PathUnder(mine, prefix); });
}

Permissions Permissions::Everything() {
  Permissions all;
  for (std::size_t i = 0; i < kActionCount; ++i) all.Grant(static_cast<Action>(i), kAnyType);
  return all;
}

ScopedGrant& Permissions::Unlimited(Action action) {
  const auto a = static_cast<std::size_t>(action);
  if (!unlimited_[a]) {
    unlimited_[a] = grants_[a].size();
    grants_[a].emplace_back();
  }
  return grants_[a][*unlimited_[a]];
}

void Permissions::Grant(Action action, std::string_view type) {
  ScopedGrant& grant = Unlimited(action);
  if (type == kAnyType) {
    grant.every_type = true;
    grant.types.clear();
  } else if (!grant.every_type) {
    grant.types.emplace(type);
  }
}

void Permissions::GrantScoped(Action action, const std::vector<std::string>& types,
                              const std::vector<std::string>& path_prefixes,
                              const std::vector<std::string>& attributes) {
  // A prefix "/" covers every path, as no prefix does.
  const bool every_path =
      path_prefixes.empty() ||
      std::find(path_prefixes.begin(), path_prefixes.end(), "/") != path_prefixes.end();
  if (every_path && attributes.empty()) {
    for (const auto& type : types) Grant(action, type);
    return;
  }
  ScopedGrant grant;
  for (const auto& type : types) {
    if (type == kAnyType) grant.every_type = true;
    if (!grant.every_type) grant.types.insert(type);
  }
  if (grant.every_type) grant.types.clear();
  if (!every_path) grant.path_prefixes = path_prefixes;
  grant.attributes.insert(attributes.begin(), attributes.end());
  grants_[static_cast<std::size_t>(action)].push_back(std::move(grant));
}

bool Permissions::Allows(Action action, std::string_view type) const {
  const auto& grants = GrantsFor(action);
  return std::any_of(grants.begin(), grants.end(),
                     [&](const ScopedGrant& g) { return g.CoversType(type); });
}

bool Permissions::Allows(Action action, std::string_view type,
                         std::string_view service_path) const {
  const auto& grants = GrantsFor(action);
  return std::any_of(grants.begin(), grants.end(),
                     [&](const ScopedGrant& g) { return g.Covers(type, service_path); });
}

bool Permissions::AllowsSubtree(Action action, std::string_view type,
                                std::string_view prefix) const {
  const auto& grants = GrantsFor(action);
  return std::any_of(grants.begin(), grants.end(), [&](const ScopedGrant& g) {
    return g.CoversType(type) && g.CoversSubtree(prefix);
  });
}

bool Permissions::AllowsAny(Action action) const {
  const auto& grants = GrantsFor(action);
  return std::any_of(grants.begin(), grants.end(),
                     [](const ScopedGrant& g) { return g.every_type || !g.types.empty(); });
}

bool Permissions::AllowsAttribute(Action action, std::string_view type,
                                  std::string_view service_path, std::string_view name) const {
  const auto& grants = GrantsFor(action);
  return std::any_of(grants.begin(), grants.end(), [&](const ScopedGrant& g) {
    return g.Covers(type, service_path) && (g.attributes.empty() || g.attributes.contains(name));
  });
}

bool Permissions::LimitsAttributes(Action action, std::string_view type,
                                   std::string_view service_path) const {
  // Limited when some grant covers (type, path) and every such grant lists attributes. No
  // covering grant limits nothing: access came another way (a resident's own personal
  // entity, docs/security.md "Personal data and consent"), which is never attribute-limited.
  bool covered = false;
  for (const auto& grant : GrantsFor(action)) {
    if (!grant.Covers(type, service_path)) continue;
    if (grant.attributes.empty()) return false;
    covered = true;
  }
  return covered;
}

bool HasBuiltInRoleIn(const Principal& principal, std::string_view tenant) {
  // A tenant admin only in the tenant its credential belongs to, a platform operator in every
  // tenant (roles.hpp).
  return !principal.IsAnonymous() &&
         (principal.HasRole(kPlatformOperatorRole) ||
          (principal.HasRole(kTenantAdminRole) && principal.tenant == tenant));
}

Permissions Evaluate(const Policy& policy, const Principal& principal, std::string_view tenant) {
  if (HasBuiltInRoleIn(principal, tenant)) return Permissions::Everything();
  Permissions permissions;
  for (const auto& type : policy.open_types) permissions.Grant(Action::kRead, type);
  // A credential of another tenant gets nothing from this tenant's rules.
  if (principal.tenant != tenant) return permissions;
  for (const auto& rule : policy.rules) {
    if (!Applies(rule, principal)) continue;
    for (Action action : rule.actions) {
      permissions.GrantScoped(action, rule.types, rule.service_paths, rule.attributes);
    }
  }
  return permissions;
}

}  // namespace renkei::auth
