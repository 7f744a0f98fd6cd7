// Discovery (NGSI-LD 1.8 §5.7.5–§5.7.10, §6.25–§6.28) over the store's per-type summaries, the
// same ones NGSIv2's /v2/types reads:
//   GET /types                    EntityTypeList (§5.2.24), or with details=true EntityType[]
//   GET /types/{type}             EntityTypeInfo (§5.2.26)
//   GET /attributes               AttributeList (§5.2.27), or with details=true Attribute[]
//   GET /attributes/{attr}        Attribute (§5.2.28)
// Names are compacted with the request's @context; `id` members are the full IRIs. A type is
// the entities' primary (stored) type.
#include <limits>
#include <map>
#include <set>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

namespace {

using core::AttributeKind;

// What discovery reports about one attribute name across all types.
struct AttributeUse {
  std::vector<std::string> types;  // stored type names, sorted (summaries come sorted)
  std::set<AttributeKind> kinds;
  std::size_t instances = 0;
};

// Every type of every entity (§4.17: a multi-typed entity is an instance of each type), or
// with kPrimary each entity under one type only, for counts over entities.
base::Result<std::vector<store::TypeSummary>> AllTypes(
    const LdDeps& deps, const LdCall& call,
    store::TypeMembership membership = store::TypeMembership::kAny) {
  std::size_t total = 0;
  return deps.entities.ListTypes(call.ctx, 0, std::numeric_limits<std::size_t>::max(), &total,
                                 membership);
}

std::map<std::string, AttributeUse> AttributeUses(const std::vector<store::TypeSummary>& types) {
  std::map<std::string, AttributeUse> out;
  for (const auto& t : types) {
    for (const auto& attribute : t.attributes) {
      AttributeUse& use = out[attribute.name];
      use.types.push_back(t.type);
      use.kinds.insert(attribute.kinds.begin(), attribute.kinds.end());
      use.instances += attribute.instance_count;
    }
  }
  return out;
}

// What GET /types and GET /attributes start from: every type's summary, and whether the
// detailed list is asked for (§6.25.3.1 / §6.27.3.1: details=true; any other value than
// true/false is a malformed request).
struct DiscoveryList {
  bool details = false;
  std::vector<store::TypeSummary> types;
};

base::Result<DiscoveryList> ReadDiscoveryList(const LdDeps& deps, const LdCall& call) {
  DiscoveryList out;
  const auto details = call.Param("details");
  if (details && *details != "true" && *details != "false") {
    return base::Fail(base::ErrorCode::kInvalidRequest, "",
                      "details must be true or false, not '" + std::string(*details) + "'");
  }
  out.details = details == "true";
  RENKEI_TRY(out.types, AllTypes(deps, call));
  return out;
}

template <typename Kinds>
json::array KindNames(const Kinds& kinds) {
  json::array out;
  for (const AttributeKind kind : kinds) out.emplace_back(AttributeTypeName(kind));
  return out;
}

json::array OutputNames(const core::jsonld::ActiveContext& context,
                        const std::vector<std::string>& stored) {
  json::array out;
  for (const auto& name : stored) out.emplace_back(OutputName(context, name));
  return out;
}

base::Error NotFound(std::string detail) {
  return {base::ErrorCode::kResourceNotFound, "", std::move(detail)};
}

}  // namespace

void ListTypes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto list = ReadDiscoveryList(deps, call);
  if (!list) return reply.Error(list.error());
  const auto& context = *call.context;
  if (list->details) {
    // §5.2.25 EntityType, one per type.
    json::array out;
    for (const auto& t : list->types) {
      std::vector<std::string> names;
      for (const auto& attribute : t.attributes) names.push_back(attribute.name);
      out.push_back(json::object{{"id", ExpandedName(t.type)},
                                 {"type", "EntityType"},
                                 {"typeName", OutputName(context, t.type)},
                                 {"attributeNames", OutputNames(context, names)}});
    }
    return reply.Entities(200, std::move(out));
  }
  std::vector<std::string> names;
  for (const auto& t : list->types) names.push_back(t.type);
  reply.Entities(200, json::object{{"id", "urn:ngsi-ld:EntityTypeList:" + call.ctx.correlator},
                                   {"type", "EntityTypeList"},
                                   {"typeList", OutputNames(context, names)}});
}

void RetrieveType(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const auto& context = *call.context;
  const std::string stored = StoredName(context, call.PathParam("type"));
  auto summary = deps.entities.DescribeType(call.ctx, stored, store::TypeMembership::kAny);
  if (!summary) {
    if (summary.error().code != base::ErrorCode::kResourceNotFound) {
      return reply.Error(summary.error());
    }
    return reply.Error(NotFound("no entity of type " + call.PathParam("type")));
  }
  // §5.2.26: each attribute with the kinds it has on entities of this type.
  json::array attributes;
  for (const auto& attribute : summary->attributes) {
    attributes.push_back(json::object{{"id", ExpandedName(attribute.name)},
                                      {"type", "Attribute"},
                                      {"attributeName", OutputName(context, attribute.name)},
                                      {"attributeTypes", KindNames(attribute.kinds)}});
  }
  reply.Entities(200, json::object{{"id", ExpandedName(stored)},
                                   {"type", "EntityTypeInfo"},
                                   {"typeName", OutputName(context, stored)},
                                   {"entityCount", summary->entity_count},
                                   {"attributeDetails", std::move(attributes)}});
}

void ListAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto list = ReadDiscoveryList(deps, call);
  if (!list) return reply.Error(list.error());
  const auto& context = *call.context;
  const auto uses = AttributeUses(list->types);
  if (list->details) {
    // §5.2.28 Attribute, one per name, with the types whose entities have it.
    json::array out;
    for (const auto& [name, use] : uses) {
      out.push_back(json::object{{"id", ExpandedName(name)},
                                 {"type", "Attribute"},
                                 {"attributeName", OutputName(context, name)},
                                 {"typeNames", OutputNames(context, use.types)}});
    }
    return reply.Entities(200, std::move(out));
  }
  json::array names;
  for (const auto& [name, use] : uses) names.emplace_back(OutputName(context, name));
  reply.Entities(200, json::object{{"id", "urn:ngsi-ld:AttributeList:" + call.ctx.correlator},
                                   {"type", "AttributeList"},
                                   {"attributeList", std::move(names)}});
}

void RetrieveAttributeInfo(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto types = AllTypes(deps, call);
  if (!types) return reply.Error(types.error());
  const auto& context = *call.context;
  const std::string stored = StoredName(context, call.PathParam("attr"));
  const auto uses = AttributeUses(*types);
  const auto it = uses.find(stored);
  if (it == uses.end()) {
    return reply.Error(NotFound("no entity has attribute " + call.PathParam("attr")));
  }
  // §5.2.28: attributeCount counts the attribute's instances over all entities, each entity
  // once, though a multi-typed one appears under each of its types above.
  auto primary = AllTypes(deps, call, store::TypeMembership::kPrimary);
  if (!primary) return reply.Error(primary.error());
  const auto counted = AttributeUses(*primary);
  const auto count = counted.find(stored);
  reply.Entities(200,
                 json::object{{"id", ExpandedName(stored)},
                              {"type", "Attribute"},
                              {"attributeName", OutputName(context, stored)},
                              {"attributeCount",
                               count == counted.end() ? std::size_t{0} : count->second.instances},
                              {"attributeTypes", KindNames(it->second.kinds)},
                              {"typeNames", OutputNames(context, it->second.types)}});
}

}  // namespace renkei::api::ngsild
