// The built-in roles and what a role name may be (docs/security.md "Roles"). Other roles are
// the tenant's own vocabulary ("reader", "bus-operator"): they mean what its policy grants.
#pragma once

#include <string_view>

namespace renkei::auth {

// Every action on every entity type of its own tenant, and management of its API keys and
// policy (docs/security.md).
inline constexpr std::string_view kTenantAdminRole = "tenant-admin";
// The prefecture's operators: what a tenant admin may do, in every tenant; only a platform
// operator (or the CLI) issues keys with this role.
inline constexpr std::string_view kPlatformOperatorRole = "platform-operator";

// 1–64 characters of ASCII letters, digits, '-', '_', '.' and ':' (no comma: the store joins
// roles with commas).
bool IsValidRoleName(std::string_view name);

}  // namespace renkei::auth
