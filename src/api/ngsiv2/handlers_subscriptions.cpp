// /v2/subscriptions and /v2/op/notify (Orion API manual "Subscriptions Operations", "Notify
// operation").
#include <boost/json/serialize.hpp>

#include "api/ngsiv2/handler_support.hpp"
#include "api/ngsiv2/handlers.hpp"
#include "api/ngsiv2/orion_errors.hpp"
#include "api/ngsiv2/payload_parser.hpp"
#include "api/ngsiv2/query_builder.hpp"
#include "api/ngsiv2/subscription_payload.hpp"

namespace renkei::api::ngsiv2 {
namespace {

namespace json = boost::json;

// The subscription's ServicePath: the scope of the creating or updating request (Orion
// "Service path in subscriptions and registrations": it is the query's path, not where the
// subscription lives); "/#" when the request gave no header. Orion's
// mongoCreateSubscription/mongoUpdateSubscription store the first path of the header.
std::string ServicePathOf(const Call& call) {
  if (!call.request.Header("Fiware-ServicePath") || call.ctx.scope.paths.empty()) return "/#";
  const auto& p = call.ctx.scope.paths.front();
  if (!p.recursive) return p.path;
  return p.path == "/" ? "/#" : p.path + "/#";
}

// Orion 4.x narrows GET /v2/subscriptions[/{id}] to the first ServicePath of the request's
// header, compared with the subscription's as stored (functional case 3945); no header, no
// narrowing.
std::optional<std::string> ServicePathFilterOf(const Call& call) {
  auto header = call.request.Header("Fiware-ServicePath");
  if (!header) return std::nullopt;
  std::string_view first = header->substr(0, header->find(','));
  while (!first.empty() && first.front() == ' ') first.remove_prefix(1);
  while (!first.empty() && first.back() == ' ') first.remove_suffix(1);
  if (first.empty()) return std::nullopt;
  return std::string(first);
}

// Orion's subscription ids are 24 hex digits; anything else is a 400 before any lookup.
bool ValidIdOrReply(const std::string& id, const Reply& reply) {
  if (id.size() != 24) {
    reply.Error(BadRequest("Invalid subscription ID: bad length - 24 chars expected"));
    return false;
  }
  if (id.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos) {
    reply.Error(BadRequest("Invalid subscription ID: invalid character"));
    return false;
  }
  return true;
}

}  // namespace

void CreateSubscription(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply);
  if (!body) return;
  notify::Subscription sub;
  if (auto r = ApplySubscriptionPayload(*body, /*create=*/true, sub); !r) {
    return reply.Error(r.error());
  }
  // Orion postSubscriptions.cpp (case 2948 wrong_max_one_service_path_response).
  if (call.ctx.scope.paths.size() > 1) {
    return reply.Error(BadRequest("max one service-path allowed for subscriptions"));
  }
  sub.service_path = ServicePathOf(call);
  deps.subscriptions.Create(call.ctx, std::move(sub), [reply](base::Result<std::string> id) {
    if (!id) return reply.Error(id.error());
    reply.Empty(201, {{"Location", "/v2/subscriptions/" + *id}});
  });
}

void ListSubscriptions(const Deps& deps, Call& call, const Reply& reply) {
  QueryRequest paging;
  if (auto r = ApplyPagingAndRendering(call, deps.options, paging); !r) {
    return reply.Error(r.error());
  }
  std::size_t total = 0;
  auto subs = deps.subscriptions.List(call.ctx, paging.query.offset, paging.query.limit, &total,
                                      /*ngsild=*/false, ServicePathFilterOf(call));
  if (!subs) return reply.Error(subs.error());
  json::array out;
  for (const auto& view : *subs) out.push_back(RenderSubscription(view, call.ctx.now));
  http::HeaderList extra;
  if (call.Option("count")) extra.emplace_back("Fiware-Total-Count", std::to_string(total));
  reply.Json(200, out, std::move(extra));
}

void RetrieveSubscription(const Deps& deps, Call& call, const Reply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  auto view = deps.subscriptions.Retrieve(call.ctx, id, ServicePathFilterOf(call));
  if (!view) return reply.Error(view.error());
  reply.Json(200, RenderSubscription(*view, call.ctx.now));
}

void UpdateSubscription(const Deps& deps, Call& call, const Reply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  auto body = JsonBodyOrReply(call, reply);
  if (!body) return;
  // Validate against an empty subscription first: a bad payload is a 400 even for an id
  // that does not exist (Orion checks the payload before the lookup).
  notify::Subscription probe;
  if (auto r = ApplySubscriptionPayload(*body, /*create=*/false, probe); !r) {
    return reply.Error(r.error());
  }
  deps.subscriptions.Update(
      call.ctx, id,
      // The request's ServicePath replaces the subscription's, as in Orion's
      // mongoUpdateSubscription (case 1693 preserve_sp_updating_subscription_ngsiv2).
      [body = std::move(*body), service_path = ServicePathOf(call)](notify::Subscription& sub) {
        sub.service_path = service_path;
        return ApplySubscriptionPayload(body, /*create=*/false, sub);
      },
      NoContentOrError(reply));
}

void DeleteSubscription(const Deps& deps, Call& call, const Reply& reply) {
  const std::string id = call.PathParam("id");
  if (!ValidIdOrReply(id, reply)) return;
  deps.subscriptions.Delete(call.ctx, id, NoContentOrError(reply));
}

void NotifyEntities(const Deps& deps, Call& call, const Reply& reply) {
  if (call.Option("keyValues")) {
    return reply.Error(BadRequest("keyValues is not supported in POST /v2/op/notify"));
  }
  auto body = JsonBodyOrReply(call, reply);
  if (!body) return;
  if (!body->is_object()) return reply.Error(ParseError("Errors found in incoming JSON buffer"));
  const auto* data = body->get_object().if_contains("data");
  if (data == nullptr)
    return reply.Error(BadRequest("Invalid JSON payload, mandatory field /data/ not found"));
  if (!data->is_array()) return reply.Error(BadRequest("not a JSON array"));
  std::vector<core::Entity> entities;
  std::vector<std::vector<bool>> metadata_given;
  for (const auto& item : data->get_array()) {
    auto parsed = ParseEntity(item, /*key_values=*/false, std::optional<std::string_view>());
    if (!parsed) return reply.Error(parsed.error());
    entities.push_back(std::move(parsed->entity));
    metadata_given.push_back(std::move(parsed->metadata_given));
  }
  if (entities.empty()) return reply.Empty(200);
  // Orion: "exactly the same as POST /v2/op/update with actionType append".
  deps.entities.Batch(call.ctx, service::BatchAction::kAppend, std::move(entities),
                      std::move(metadata_given), service::WriteOptions{},
                      [reply](base::Result<service::BatchOutcome> outcome) {
                        if (!outcome) return reply.Error(outcome.error());
                        reply.Empty(200);
                      });
}

}  // namespace renkei::api::ngsiv2
