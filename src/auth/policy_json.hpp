// The policy document as tenants PUT and GET it (docs/security.md "Authorization policies"):
//   {"rules": [{"roles": ["reader"], "apps": ["bus-app"],
//               "actions": ["read", "subscribe"], "types": ["Shelter", "*"],
//               "servicePaths": ["/wakayama/parks"], "attributes": ["name", "location"]}],
//    "openTypes": ["AED", "EvacuationShelter"],
//    "personalTypes": {"Vitals": {"assuranceLevel": 2}, "Activity": {}}}
// Validation is strict: unknown members, wrong kinds, unknown actions, empty lists and names
// that cannot be role names are refused with a detail naming the place. Limits (docs/
// security.md "Limits"): kMaxPolicyRules rules, kMaxPolicyListItems items per list, names of
// at most kMaxPolicyNameLength bytes. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "auth/policy.hpp"
#include "base/result.hpp"

namespace renkei::auth {

inline constexpr std::size_t kMaxPolicyRules = 200;
inline constexpr std::size_t kMaxPolicyListItems = 200;
inline constexpr std::size_t kMaxPolicyNameLength = 256;

// kBadRequestData (title "InvalidPolicy") for a document that is not a valid policy.
base::Result<Policy> ParsePolicy(std::string_view json);
// The canonical JSON text of a policy (what GET answers and the store keeps).
std::string PolicyJson(const Policy& policy);

}  // namespace renkei::auth
