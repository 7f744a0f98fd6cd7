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
#include "core/entity.hpp"
#include "service/request_context.hpp"
#include "store/entity_query.hpp"

namespace renkei::service {

// The action on entities of this (primary) type, somewhere (at some ServicePath).
base::Result<void> Authorize(const RequestContext& ctx, auth::Action action, std::string_view type);
// The action on entities of this (primary) type at this ServicePath.
base::Result<void> Authorize(const RequestContext& ctx, auth::Action action, std::string_view type,
                             std::string_view service_path);
// The action on at least one type (endpoints that are of no use without it).
base::Result<void> AuthorizeSome(const RequestContext& ctx, auth::Action action);
// AuthorizeSome, or the caller acts as a resident (personal_rule.hpp ActsAsResident): it
// reads and manages its own personal entities without a grant, each checked on its own.
base::Result<void> AuthorizeSomeOrOwn(const RequestContext& ctx, auth::Action action);
// Entities of this type somewhere (type discovery).
bool MayRead(const RequestContext& ctx, std::string_view type);
// This entity (its primary type at its ServicePath).
bool MayRead(const RequestContext& ctx, const core::Entity& entity);
// Whether some entity of some type at some path is hidden from the caller.
bool ReadsLimited(const RequestContext& ctx);
// nullopt: everything may be read; otherwise the (types × paths) the caller may read, for
// EntityQuery::only_grants.
std::optional<std::vector<store::ReadGrant>> ReadGrants(const RequestContext& ctx);
// The part of ctx.scope inside the ServicePaths some read grant covers (type discovery,
// which counts by type, not by grant); nullopt when that is no path at all.
std::optional<store::ServicePathScope> ReadableScope(const RequestContext& ctx);
// Removes the attributes of a readable `entity` that the caller may not read (rules with an
// attribute list). Nothing is allocated when the caller may read all of them.
void HideAttributes(const RequestContext& ctx, core::Entity& entity);
// A query naming (q, mq, orderBy, geoproperty) an attribute the caller may not read in every
// type the query can select is refused (kForbidden): the answer would depend on values it
// may not see (docs/security.md "Attributes").
base::Result<void> AuthorizeQueryAttributes(const RequestContext& ctx,
                                            const store::EntityQuery& query);
// Whether the caller's write grants for this entity (its type at its ServicePath) limit its
// attributes: then a write keeps the stored state to compare (AuthorizeAttributeWrites).
bool WriteLimitsAttributes(const RequestContext& ctx, const core::Entity& entity);
// A copy of the stored `entity` a write starts from when WriteLimitsAttributes (nullopt, and
// no copy, otherwise).
std::optional<core::Entity> KeepIfWriteLimited(const RequestContext& ctx,
                                               const core::Entity& entity);
// A write that changes `before` (nullptr: a new entity) into `after` (nullptr: erased) may
// touch (add, change, remove) only attributes the caller may write; kForbidden naming the
// first other one, so that the caller's whole request is refused.
base::Result<void> AuthorizeAttributeWrites(const RequestContext& ctx, const core::Entity* before,
                                            const core::Entity* after);
// Whether the caller administers ctx.tenant: a tenant admin of it or a platform operator.
bool IsTenantAdmin(const RequestContext& ctx);
// Managing the tenant's API keys and policy: a tenant admin of ctx.tenant or a platform
// operator. Refused (kForbidden) for a tenant with authentication off: anyone could call.
base::Result<void> AuthorizeTenantAdmin(const RequestContext& ctx);
// A refusal in the caller's terms (kUnauthorized when anonymous, kForbidden otherwise).
base::Unexpected Refusal(const RequestContext& ctx, std::string detail);

}  // namespace renkei::service
