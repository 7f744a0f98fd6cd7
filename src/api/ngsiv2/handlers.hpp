// NGSIv2 request handlers, one per route of the table in ngsiv2_api.cpp. Each parses its
// input, calls the service, and answers through the Reply exactly once.
#pragma once

#include "api/ngsiv2/call.hpp"

namespace renkei::api::ngsiv2 {

// Service root and version (handlers_misc.cpp).
void GetVersion(const Deps& deps, Call& call, const Reply& reply);
void GetApiRoot(const Deps& deps, Call& call, const Reply& reply);

// Entities (handlers_entities.cpp).
void ListEntities(const Deps& deps, Call& call, const Reply& reply);
void CreateEntity(const Deps& deps, Call& call, const Reply& reply);
void RetrieveEntity(const Deps& deps, Call& call, const Reply& reply);
void DeleteEntity(const Deps& deps, Call& call, const Reply& reply);
void RetrieveAttributes(const Deps& deps, Call& call, const Reply& reply);
void AppendAttributes(const Deps& deps, Call& call, const Reply& reply);
void UpdateAttributes(const Deps& deps, Call& call, const Reply& reply);
void ReplaceAttributes(const Deps& deps, Call& call, const Reply& reply);

// Single attributes and values (handlers_attributes.cpp).
void RetrieveAttribute(const Deps& deps, Call& call, const Reply& reply);
void UpdateAttribute(const Deps& deps, Call& call, const Reply& reply);
void DeleteAttribute(const Deps& deps, Call& call, const Reply& reply);
void RetrieveAttributeValue(const Deps& deps, Call& call, const Reply& reply);
void UpdateAttributeValue(const Deps& deps, Call& call, const Reply& reply);

// Types and batch operations (handlers_types_batch.cpp).
void ListTypes(const Deps& deps, Call& call, const Reply& reply);
void RetrieveType(const Deps& deps, Call& call, const Reply& reply);
void BatchUpdate(const Deps& deps, Call& call, const Reply& reply);
void BatchQuery(const Deps& deps, Call& call, const Reply& reply);

// Subscriptions and the notify operation (handlers_subscriptions.cpp).
void CreateSubscription(const Deps& deps, Call& call, const Reply& reply);
void ListSubscriptions(const Deps& deps, Call& call, const Reply& reply);
void RetrieveSubscription(const Deps& deps, Call& call, const Reply& reply);
void UpdateSubscription(const Deps& deps, Call& call, const Reply& reply);
void DeleteSubscription(const Deps& deps, Call& call, const Reply& reply);
void NotifyEntities(const Deps& deps, Call& call, const Reply& reply);

}  // namespace renkei::api::ngsiv2
