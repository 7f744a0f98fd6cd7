// The read rule for personal data (issue 5 item 4, docs/security.md "Personal data and
// consent"), the parts that need nothing but the request: whether an entity is personal in
// ctx's tenant, whose it is, which way the caller might read it, and the rule as the store
// evaluates it for queries (store::PersonalReadScope). The consent lookup is
// PersonalDataGuard's (personal_data_guard.hpp). Pure, thread-safe.
//
// An entity of personal type T with resident R is readable by principal P only if
//   P.assurance_level >= level(T) and
//   (P is a bearer-token principal of this tenant whose subject is R: the owner, no grant
//    needed, or
//    the policy grants P `read` on T and a live consent (tenant, R, app == P.client_id, T)
//    exists).
// No role bypasses it. Nothing is checked for a tenant with authentication off.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/entity.hpp"
#include "service/request_context.hpp"
#include "store/entity_query.hpp"

namespace renkei::service {

// What the audit log records as the purpose of an owner's access to their own data.
inline constexpr std::string_view kOwnerPurpose = "owner";

// The resident an entity belongs to: its one `owner` attribute when its value is a non-empty
// string; nullopt otherwise (absent, another kind, repeated as NGSI-LD datasetIds).
std::optional<std::string> OwnerOf(const core::Entity& entity);

// Whether the rule applies to `entity` for ctx: a principal (authentication on) and one of
// the entity's types personal in the tenant.
bool IsPersonalFor(const RequestContext& ctx, const core::Entity& entity);

enum class PersonalRoute {
  kNotPersonal,  // the rule does not apply: the policy alone decides
  kOwner,        // the caller is the entity's resident
  kConsent,      // readable if the resident's consent to the caller's app is live
  kRefused,      // not readable (level too low, no way in, personal type not primary)
};
PersonalRoute RouteFor(const RequestContext& ctx, const core::Entity& entity);

// The caller acts as a resident: a bearer-token principal of ctx's tenant with a subject, in a
// tenant that has personal types (then it may read and manage its own entities without
// any policy grant).
bool ActsAsResident(const RequestContext& ctx);
// `entity` is personal and the caller is its resident at the level its type needs.
bool IsOwnPersonalEntity(const RequestContext& ctx, const core::Entity& entity);
// The personal types the caller may read as their owner (its level suffices); empty when it
// does not act as a resident.
std::vector<std::string> OwnReadableTypes(const RequestContext& ctx);

// The rule for a store query (EntityQuery::personal); nullopt when nothing is personal for
// ctx (authentication off, no personal types).
std::optional<store::PersonalReadScope> PersonalReadScopeFor(const RequestContext& ctx);

}  // namespace renkei::service
