// Type discovery (NGSI-LD 1.8 §5.7.5, §5.7.6, §6.25): GET /types lists the EntityTypeList,
// GET /types/{type} the EntityTypeInfo, over the same per-type summaries as NGSIv2's /types.
#include <limits>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

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
