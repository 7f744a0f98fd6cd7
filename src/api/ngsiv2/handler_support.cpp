#include "api/ngsiv2/handler_support.hpp"

#include "api/ngsiv2/payload_parser.hpp"

namespace renkei::api::ngsiv2 {

service::EntityKey KeyFromCall(const Call& call) {
  service::EntityKey key{call.PathParam("id"), std::nullopt};
  if (auto t = call.Param("type")) key.type = std::string(*t);
  return key;
}

std::optional<boost::json::value> JsonBodyOrReply(const Call& call, const Reply& reply) {
  auto parsed = ParseJsonBody(call.request.body);
  if (!parsed) {
    reply.Error(parsed.error());
    return std::nullopt;
  }
  return std::move(*parsed);
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
