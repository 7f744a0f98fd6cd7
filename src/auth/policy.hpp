// Authorization policies (issue 5 item 3, docs/security.md "Authorization policies"): what a
// principal may do in a tenant, as the tenant's policy document grants it. Pure, thread-safe.
//
// Rules grant actions on entity types to roles or app names, optionally only under some
// ServicePath prefixes (path_prefix.hpp) and only on some attributes; anything no rule grants
// is denied (default deny). The built-in roles (roles.hpp) need no rule. Types listed in
// `open_types` are readable by everyone, anonymous callers included (open data, オープン
// データ). Types are the stored names: the short term for NGSIv2 and NGSI-LD's default
// vocabulary, the full IRI for other vocabularies (api/ngsild/ld_names.hpp).
#pragma once

#include <array>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/personal_types.hpp"
#include "auth/principal.hpp"

namespace renkei::auth {

enum class Action {
  kRead,        // retrieve, query, type discovery, open-data export, quality report
  kWrite,       // create, update, replace, delete (entities and attributes, batches, import)
  kSubscribe,   // create, read, change and delete subscriptions
  kAdminister,  // the admin endpoints of a tenant's data (quality, open-data import/export)
};
inline constexpr std::size_t kActionCount = 4;

std::string_view ActionName(Action action);
std::optional<Action> ParseAction(std::string_view name);

inline constexpr std::string_view kAnyType = "*";

struct PolicyRule {
  std::vector<std::string> roles;  // a principal with any of these roles ...
  std::vector<std::string> apps;   // ... or acting through any of these apps (client ids)
  std::vector<Action> actions;     // may do these ...
  std::vector<std::string> types;  // ... on entities of these types ("*": every type)
  // ... whose ServicePath is under one of these normalised prefixes (empty: every path) ...
  std::vector<std::string> service_paths;
  // ... on these attributes only (empty: every attribute).
  std::vector<std::string> attributes;
};

struct Policy {
  std::vector<PolicyRule> rules;
  std::set<std::string, std::less<>> open_types;  // readable anonymously
  // Types whose entities are a resident's data (auth/personal_types.hpp): read only by their
  // owner or under the resident's consent, whatever the rules grant (docs/security.md).
  PersonalTypes personal_types;
};

// One grant of an action: entities of some types (or every type) under some ServicePath
// prefixes (or every path), and of those, some attributes (or every attribute).
struct ScopedGrant {
  bool every_type = false;
  std::set<std::string, std::less<>> types;
  std::vector<std::string> path_prefixes;         // empty: every path
  std::set<std::string, std::less<>> attributes;  // empty: every attribute

  bool CoversType(std::string_view type) const { return every_type || types.contains(type); }
  bool CoversPath(std::string_view service_path) const;
  bool CoversSubtree(std::string_view prefix) const;
  bool Covers(std::string_view type, std::string_view service_path) const {
    return CoversType(type) && CoversPath(service_path);
  }
};

// What one principal may do in one tenant: per action, a list of grants (their union).
// Grants without path or attribute limits are merged into one, so a policy of plain type
// rules costs one set lookup per check as before.
class Permissions {
 public:
  static Permissions Everything();

  // The action on `type` ("*": every type), every path, every attribute.
  void Grant(Action action, std::string_view type);
  // The action on `types` under `path_prefixes` on `attributes` (empty lists: every path,
  // every attribute). Prefixes are normalised (NormalisePathPrefix).
  void GrantScoped(Action action, const std::vector<std::string>& types,
                   const std::vector<std::string>& path_prefixes,
                   const std::vector<std::string>& attributes);

  // On entities of `type` somewhere (some path).
  bool Allows(Action action, std::string_view type) const;
  // On entities of `type` at `service_path`.
  bool Allows(Action action, std::string_view type, std::string_view service_path) const;
  // On entities of `type` at `prefix` and at every path below it (a subscription's
  // recursive ServicePath).
  bool AllowsSubtree(Action action, std::string_view type, std::string_view prefix) const;
  // Whether the action is allowed on at least one type.
  bool AllowsAny(Action action) const;
  // On the attribute `name` of an entity of `type` at `service_path` (false when the entity
  // itself is not allowed).
  bool AllowsAttribute(Action action, std::string_view type, std::string_view service_path,
                       std::string_view name) const;
  // Whether some attributes of such an entity are not allowed (then ask AllowsAttribute per
  // attribute): some grant covers it and each covering grant lists attributes. False when a
  // covering grant has no list (no per-attribute work) or when none covers it (allowed
  // another way: a resident's own personal entity).
  bool LimitsAttributes(Action action, std::string_view type, std::string_view service_path) const;
  // The grants of an action (their union is what is allowed).
  const std::vector<ScopedGrant>& GrantsFor(Action action) const {
    return grants_[static_cast<std::size_t>(action)];
  }

 private:
  ScopedGrant& Unlimited(Action action);
  std::array<std::vector<ScopedGrant>, kActionCount> grants_;
  // Index in grants_[action] of the grant without path or attribute limits, if any.
  std::array<std::optional<std::size_t>, kActionCount> unlimited_;
};

// Whether a built-in role (roles.hpp) gives `principal` everything in `tenant`: no policy rule
// is consulted then.
bool HasBuiltInRoleIn(const Principal& principal, std::string_view tenant);
// The permissions of `principal` in `tenant` under the tenant's `policy`.
Permissions Evaluate(const Policy& policy, const Principal& principal, std::string_view tenant);

}  // namespace renkei::auth
