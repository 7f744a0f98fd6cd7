// The owner rules of personal entities' writes (docs/security.md "Personal data and
// consent", issue 5 item 4), for tenants with authentication on:
// - a stored entity with a personal type has it as its primary type (the read rule keys on
//   it) and an `owner` attribute whose value is its resident's subject, a non-empty string:
//   400 otherwise (NGSIv2 {error, description}, NGSI-LD ProblemDetails);
// - the owner of a stored personal entity does not change: 403 for everyone but the
//   tenant's administrators (tenant-admin, platform-operator), who may correct it.
// Applied to every write unit by SubmitUnit (entity_service.hpp), whatever the endpoint.
#pragma once

#include "service/request_context.hpp"
#include "store/entity_store.hpp"

namespace renkei::service {

// Whether ctx's writes need the rules: a principal and personal types in the tenant.
bool OwnerRulesApply(const RequestContext& ctx);
// `unit` seeing a transaction that refuses what the rules forbid (the unit then fails).
store::WriteUnit WithOwnerRules(const RequestContext& ctx, store::WriteUnit unit);

}  // namespace renkei::service
