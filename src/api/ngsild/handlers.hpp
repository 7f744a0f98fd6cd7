// The NGSI-LD request handlers, one per route (ngsild_api.cpp holds the table).
#pragma once

#include "api/ngsild/ld_call.hpp"

namespace renkei::api::ngsild {

// handlers_entities.cpp (NGSI-LD 1.8 §6.4, §6.5)
void CreateEntity(const LdDeps& deps, LdCall& call, const LdReply& reply);
void QueryEntities(const LdDeps& deps, LdCall& call, const LdReply& reply);
void RetrieveEntity(const LdDeps& deps, LdCall& call, const LdReply& reply);
void ReplaceEntity(const LdDeps& deps, LdCall& call, const LdReply& reply);
void MergeEntity(const LdDeps& deps, LdCall& call, const LdReply& reply);
void DeleteEntity(const LdDeps& deps, LdCall& call, const LdReply& reply);

// handlers_attributes.cpp (NGSI-LD 1.8 §6.6, §6.7)
void AppendAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply);
void UpdateAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply);
void PatchAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply);
void ReplaceAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply);
void DeleteAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply);

void QueryEntitiesPost(const LdDeps& deps, LdCall& call, const LdReply& reply);  // §6.23

// handlers_batch.cpp (NGSI-LD 1.8 §6.14–§6.18, §6.31)
void BatchCreate(const LdDeps& deps, LdCall& call, const LdReply& reply);
void BatchUpsert(const LdDeps& deps, LdCall& call, const LdReply& reply);
void BatchUpdate(const LdDeps& deps, LdCall& call, const LdReply& reply);
void BatchDelete(const LdDeps& deps, LdCall& call, const LdReply& reply);
void BatchMerge(const LdDeps& deps, LdCall& call, const LdReply& reply);
void PurgeEntities(const LdDeps& deps, LdCall& call, const LdReply& reply);  // DELETE /entities

// handlers_types.cpp (NGSI-LD 1.8 §6.25–§6.28)
void ListTypes(const LdDeps& deps, LdCall& call, const LdReply& reply);
void RetrieveType(const LdDeps& deps, LdCall& call, const LdReply& reply);
void ListAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply);
void RetrieveAttributeInfo(const LdDeps& deps, LdCall& call, const LdReply& reply);

// handlers_contexts.cpp (NGSI-LD 1.8 §6.29, §6.30: @context management, §5.13)
void AddContext(const LdDeps& deps, LdCall& call, const LdReply& reply);
void ListContexts(const LdDeps& deps, LdCall& call, const LdReply& reply);
void ServeContext(const LdDeps& deps, LdCall& call, const LdReply& reply);
void DeleteContext(const LdDeps& deps, LdCall& call, const LdReply& reply);
void DeleteContextWithoutId(const LdDeps& deps, LdCall& call, const LdReply& reply);

// handlers_subscriptions.cpp (NGSI-LD 1.8 §5.8, §6.10, §6.11)
void CreateSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply);
void QuerySubscriptions(const LdDeps& deps, LdCall& call, const LdReply& reply);
void RetrieveSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply);
void UpdateSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply);
void DeleteSubscription(const LdDeps& deps, LdCall& call, const LdReply& reply);

}  // namespace renkei::api::ngsild
