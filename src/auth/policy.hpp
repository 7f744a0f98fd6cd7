// Authorization policies (issue 5 item 3, docs/security.md "Authorization policies"): what a
// principal may do in a tenant, as the tenant's policy document grants it. Pure, thread-safe.
//
// Rules grant actions on entity types to roles or app names; anything no rule grants is
// denied (default deny). The built-in roles (roles.hpp) need no rule. Types listed in
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
};

struct Policy {
  std::vector<PolicyRule> rules;
  std::set<std::string, std::less<>> open_types;  // readable anonymously
  // Types whose entities are a resident's data (auth/personal_types.hpp): read only by their
  // owner or under the resident's consent, whatever the rules grant (docs/security.md).
  PersonalTypes personal_types;
};

// What one principal may do in one tenant: per action, every type or a set of types.
class Permissions {
 public:
  static Permissions Everything();

  void Grant(Action action, std::string_view type);
  bool Allows(Action action, std::string_view type) const;
  // Whether the action is allowed on at least one type.
  bool AllowsAny(Action action) const;
  // nullopt: every type; otherwise the types the action is allowed on (possibly none).
  std::optional<std::set<std::string, std::less<>>> TypesFor(Action action) const;

 private:
  struct TypeGrant {
    bool every_type = false;
    std::set<std::string, std::less<>> types;
  };
  std::array<TypeGrant, kActionCount> grants_;
};

// The permissions of `principal` in `tenant` under the tenant's `policy`.
Permissions Evaluate(const Policy& policy, const Principal& principal, std::string_view tenant);

}  // namespace renkei::auth
