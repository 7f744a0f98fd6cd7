// Authorization checks of the use cases (docs/security.md "Enforcement"): every EntityService
// and SubscriptionService method, and the admin services, ask these before they read or
// write. A context without a principal (the tenant has authentication off) is allowed
// everything; a principal without permissions nothing (fail closed).
//
// A refusal is kUnauthorized for an anonymous caller (credentials would help) and kForbidden
// for an authenticated one. Pure, thread-safe.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "auth/policy.hpp"
#include "base/result.hpp"
#include "service/request_context.hpp"

namespace renkei::service {

// The action on entities of this (primary) type.
base::Result<void> Authorize(const RequestContext& ctx, auth::Action action, std::string_view type);
// The action on at least one type (endpoints that are of no use without it).
base::Result<void> AuthorizeSome(const RequestContext& ctx, auth::Action action);
// AuthorizeSome, or the caller acts as a resident (personal_rule.hpp ActsAsResident): it
// reads and manages its own personal entities without a grant, each checked on its own.
base::Result<void> AuthorizeSomeOrOwn(const RequestContext& ctx, auth::Action action);
bool MayRead(const RequestContext& ctx, std::string_view type);
// nullopt: every type may be read; otherwise the readable types, sorted.
std::optional<std::vector<std::string>> ReadableTypes(const RequestContext& ctx);
// Managing the tenant's API keys and policy: a tenant admin of ctx.tenant or a platform
// operator. Refused (kForbidden) for a tenant with authentication off: anyone could call.
base::Result<void> AuthorizeTenantAdmin(const RequestContext& ctx);
// A refusal in the caller's terms (kUnauthorized when anonymous, kForbidden otherwise).
base::Unexpected Refusal(const RequestContext& ctx, std::string detail);

}  // namespace renkei::service
