// Discovery (NGSI-LD 1.8 §5.7.5–§5.7.9, §6.25–§6.28): GET /types lists the EntityTypeList,
// GET /types/{type} the EntityTypeInfo, GET /attributes the AttributeList and
// GET /attributes/{attr} the Attribute, over the same per-type summaries as NGSIv2's /types.
#include <algorithm>
#include <limits>
#include <map>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

namespace {

// Attribute name -> the types whose entities have it, both sorted.
base::Result<std::map<std::string, std::vector<std::string>>> AttributeTypes(const LdDeps& deps,
                                                                             const LdCall& call) {
  std::size_t total = 0;
  RENKEI_TRY(auto types,
             deps.entities.ListTypes(call.ctx, 0, std::numeric_limits<std::size_t>::max(), &total));
  std::map<std::string, std::vector<std::string>> out;
  for (const auto& t : types) {
    for (const auto& attribute : t.attributes) out[attribute.first].push_back(t.type);
  }
  return out;
}

}  // namespace

void ListAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto attributes = AttributeTypes(deps, call);
  if (!attributes) return reply.Error(attributes.error());
  json::array names;
  for (const auto& [name, types] : *attributes) {
    names.push_back(json::string(OutputName(*call.context, name)));
  }
  // §5.2.27 AttributeList.
  reply.Entities(200, json::object{{"id", "urn:ngsi-ld:AttributeList:" + call.ctx.correlator},
                                   {"type", "AttributeList"},
                                   {"attributeList", std::move(names)}});
}

void RetrieveAttributeInfo(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto attributes = AttributeTypes(deps, call);
  if (!attributes) return reply.Error(attributes.error());
  const std::string stored = StoredName(*call.context, call.PathParam("attr"));
  const auto it = attributes->find(stored);
  if (it == attributes->end()) {
    return reply.Error({base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                        "no entity has attribute " + call.PathParam("attr")});
  }
  json::array types;
  for (const auto& t : it->second) types.push_back(json::string(OutputName(*call.context, t)));
  // §5.2.28 Attribute (attributeCount is not given: the summaries count entities per type).
  reply.Entities(200, json::object{{"id", stored},
                                   {"type", "Attribute"},
                                   {"attributeName", OutputName(*call.context, stored)},
                                   {"typeNames", std::move(types)}});
}

void ListTypes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  std::size_t total = 0;
  auto types =
      deps.entities.ListTypes(call.ctx, 0, std::numeric_limits<std::size_t>::max(), &total);
  if (!types) return reply.Error(types.error());
  json::array names;
  for (const auto& t : *types) names.push_back(json::string(OutputName(*call.context, t.type)));
  // §5.2.24 EntityTypeList.
  json::object out{{"id", "urn:ngsi-ld:EntityTypeList:" + call.ctx.correlator},
                   {"type", "EntityTypeList"},
                   {"typeList", std::move(names)}};
  reply.Entities(200, std::move(out));
}

void RetrieveType(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const std::string stored = StoredName(*call.context, call.PathParam("type"));
  auto summary = deps.entities.DescribeType(call.ctx, stored);
  if (!summary) {
    return reply.Error({base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                        "no entity of type " + call.PathParam("type")});
  }
  json::array attributes;
  for (const auto& [name, v2_types] : summary->attributes) {
    attributes.push_back(json::object{
        {"id", name}, {"type", "Attribute"}, {"attributeName", OutputName(*call.context, name)}});
  }
  // §5.2.26 EntityTypeInfo.
  json::object out{{"id", stored},
                   {"type", "EntityTypeInfo"},
                   {"typeName", OutputName(*call.context, stored)},
                   {"entityCount", summary->entity_count},
                   {"attributeDetails", std::move(attributes)}};
  reply.Entities(200, std::move(out));
}

}  // namespace renkei::api::ngsild
