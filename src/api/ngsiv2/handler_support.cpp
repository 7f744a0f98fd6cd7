#include "api/ngsiv2/handler_support.hpp"

#include "api/common/json_duplicate_keys.hpp"
#include "api/ngsiv2/orion_errors.hpp"
#include "api/ngsiv2/payload_parser.hpp"

namespace renkei::api::ngsiv2 {

service::EntityKey KeyFromCall(const Call& call) {
  service::EntityKey key{call.PathParam("id"), std::nullopt};
  if (auto t = call.Param("type")) key.type = std::string(*t);
  return key;
}

std::optional<boost::json::value> JsonBodyOrReply(const Call& call, const Reply& reply,
                                                  AttributeNamesAt names) {
  auto parsed = ParseJsonBody(call.request.body);
  if (!parsed) {
    reply.Error(parsed.error());
    return std::nullopt;
  }
  if (names != AttributeNamesAt::kNowhere) {
    const int depth = names == AttributeNamesAt::kTopLevel ? 1 : 3;
    // Only attribute names: Orion takes the last of repeated "id"/"type" members.
    if (auto name = common::FirstDuplicateKey(call.request.body, depth, {"id", "type"})) {
      reply.Error(BadRequest("duplicated attribute /" + *name + "/"));
      return std::nullopt;
    }
  }
  return std::move(*parsed);
}

void ReplyWithQueryResult(const Deps& deps, const Call& call, const Reply& reply,
                          store::EntityQuery query, const RenderOptions& render) {
  auto page = deps.entities.Query(call.ctx, std::move(query));
  if (!page) return reply.Error(page.error());
  boost::json::array out;
  out.reserve(page->entities.size());
  for (const auto& e : page->entities) out.push_back(RenderEntity(e, render));
  http::HeaderList extra;
  if (page->total_count) {
    extra.emplace_back("Fiware-Total-Count", std::to_string(*page->total_count));
  }
  reply.Json(200, out, std::move(extra));
}

service::Callback<void> NoContentOrError(const Reply& reply) {
  return [reply](base::Result<void> r) {
    if (r) {
      reply.Empty(204);
    } else {
      reply.Error(r.error());
    }
  };
}

}  // namespace renkei::api::ngsiv2
