#include <boost/json/value.hpp>

#include "api/ngsiv2/entity_renderer.hpp"
#include "api/ngsiv2/handler_support.hpp"
#include "api/ngsiv2/handlers.hpp"
#include "api/ngsiv2/payload_parser.hpp"
#include "api/ngsiv2/query_builder.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;

void ListEntities(const Deps& deps, Call& call, const Reply& reply) {
  auto request = BuildListQuery(call, deps.options);
  if (!request) return reply.Error(request.error());
  ReplyWithQueryResult(deps, call, reply, std::move(request->query), request->render);
}

void CreateEntity(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply, AttributeNamesAt::kTopLevel);
  if (!body) return;
  auto parsed = ParseEntity(*body, call.Option("keyValues"), core::kDefaultEntityType);
  if (!parsed) return reply.Error(parsed.error());
  const std::string location =
      "/v2/entities/" + parsed->entity.id + "?type=" + parsed->entity.PrimaryType();
  service::WriteOptions options;
  options.override_metadata = call.Option("overrideMetadata");
  options.forced_update = call.Option("forcedUpdate");
  deps.entities.Create(
      call.ctx, std::move(parsed->entity), std::move(parsed->metadata_given), call.Option("upsert"),
      options, [reply, location, upsert = call.Option("upsert")](base::Result<bool> created) {
        if (!created) return reply.Error(created.error());
        // Orion: 201 for a create, 204 whenever upsert was asked for.
        reply.Empty(upsert ? 204 : 201, {{"Location", location}});
      });
}

void RetrieveEntity(const Deps& deps, Call& call, const Reply& reply) {
  QueryRequest request;
  if (auto r = ApplyPagingAndRendering(call, deps.options, request); !r) {
    return reply.Error(r.error());
  }
  auto entity = deps.entities.Retrieve(call.ctx, KeyFromCall(call));
  if (!entity) return reply.Error(entity.error());
  reply.Json(200, RenderEntity(*entity, request.render));
}

void RetrieveAttributes(const Deps& deps, Call& call, const Reply& reply) {
  QueryRequest request;
  if (auto r = ApplyPagingAndRendering(call, deps.options, request); !r) {
    return reply.Error(r.error());
  }
  auto entity = deps.entities.Retrieve(call.ctx, KeyFromCall(call));
  if (!entity) return reply.Error(entity.error());
  reply.Json(200, RenderAttributes(*entity, request.render));
}

void DeleteEntity(const Deps& deps, Call& call, const Reply& reply) {
  deps.entities.DeleteEntity(call.ctx, KeyFromCall(call), NoContentOrError(reply));
}

namespace {

void WriteAttributesFromBody(const Deps& deps, Call& call, const Reply& reply,
                             service::AttributeWriteMode mode) {
  auto body = JsonBodyOrReply(call, reply, AttributeNamesAt::kTopLevel);
  if (!body) return;
  auto changes = ParseAttributeObject(*body, call.Option("keyValues"));
  if (!changes) return reply.Error(changes.error());
  service::WriteOptions options;
  options.override_metadata = call.Option("overrideMetadata");
  options.forced_update = call.Option("forcedUpdate");
  deps.entities.WriteAttributes(call.ctx, KeyFromCall(call), std::move(*changes), mode, options,
                                NoContentOrError(reply));
}

}  // namespace

// POST /v2/entities/{id}/attrs: append or update; with options=append only append.
void AppendAttributes(const Deps& deps, Call& call, const Reply& reply) {
  WriteAttributesFromBody(deps, call, reply,
                          call.Option("append") ? service::AttributeWriteMode::kAppendStrict
                                                : service::AttributeWriteMode::kUpsert);
}

// PATCH /v2/entities/{id}/attrs: update existing attributes only.
void UpdateAttributes(const Deps& deps, Call& call, const Reply& reply) {
  WriteAttributesFromBody(deps, call, reply, service::AttributeWriteMode::kUpdateOnly);
}

// PUT /v2/entities/{id}/attrs: replace all attributes.
void ReplaceAttributes(const Deps& deps, Call& call, const Reply& reply) {
  auto body = JsonBodyOrReply(call, reply, AttributeNamesAt::kTopLevel);
  if (!body) return;
  auto changes = ParseAttributeObject(*body, call.Option("keyValues"));
  if (!changes) return reply.Error(changes.error());
  std::vector<core::Attribute> attributes;
  attributes.reserve(changes->size());
  for (auto& c : *changes) attributes.push_back(std::move(c.attribute));
  service::WriteOptions options;
  options.forced_update = call.Option("forcedUpdate");
  deps.entities.ReplaceAttributes(call.ctx, KeyFromCall(call), std::move(attributes), options,
                                  NoContentOrError(reply));
}

}  // namespace renkei::api::ngsiv2
