// Entity-level NGSI-LD handlers: create, query, retrieve, replace, merge-patch, delete.
#include <limits>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_query_builder.hpp"
#include "api/ngsild/ld_write_support.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

// NGSI-LD 1.8 §6.4.3.1 (POST /entities): 201 with Location, 409 AlreadyExists.
void CreateEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto entity = ParseLdEntity(call.body, *call.context, true);
  if (!entity) return reply.Error(entity.error());
  const std::string location = "/ngsi-ld/v1/entities/" + entity->id;
  deps.entities.CreateUnique(call.ctx, std::move(*entity), [reply, location](base::Result<void> r) {
    if (!r) return reply.Error(r.error());
    reply.Empty(201, {{"Location", location}});
  });
}

namespace {

json::value RenderOne(const core::Entity& e, const LdRenderOptions& render, const LdCall& call,
                      const LdReply& reply) {
  if (reply.context().media == LdMediaType::kGeoJson) {
    return RenderGeoJsonFeature(e, render, *call.context);
  }
  return RenderLdEntity(e, render, *call.context);
}

// The one query path of GET /entities and POST /entityOperations/query.
void RunQuery(const LdDeps& deps, const LdCall& call, const LdReply& reply,
              const LdQueryTerms& terms) {
  auto request = BuildLdQuery(call, terms, deps.options);
  if (!request) return reply.Error(request.error());
  const std::size_t offset = request->query.offset;
  const std::size_t limit = request->query.limit;
  if (request->NeedsPostFilter()) {
    // Conditions the store cannot apply are evaluated here: page after filtering.
    request->query.offset = 0;
    request->query.limit = std::numeric_limits<std::size_t>::max();
  }
  auto page = deps.entities.Query(call.ctx, request->query);
  if (!page) return reply.Error(page.error());
  if (request->NeedsPostFilter()) {
    std::erase_if(page->entities,
                  [&](const core::Entity& e) { return !request->PostFilterMatches(e); });
    if (request->query.want_count) page->total_count = page->entities.size();
    const std::size_t begin = std::min(offset, page->entities.size());
    const std::size_t end = std::min(page->entities.size(), begin + limit);
    page->entities = std::vector<core::Entity>(page->entities.begin() + static_cast<long>(begin),
                                               page->entities.begin() + static_cast<long>(end));
  }
  json::array out;
  for (const auto& e : page->entities) out.push_back(RenderOne(e, request->render, call, reply));
  http::HeaderList extra;
  if (page->total_count) {
    extra.emplace_back("NGSILD-Results-Count", std::to_string(*page->total_count));
  }
  if (reply.context().media == LdMediaType::kGeoJson) {
    json::object collection{{"type", "FeatureCollection"}, {"features", std::move(out)}};
    return reply.Entities(200, std::move(collection), std::move(extra));
  }
  reply.Entities(200, std::move(out), std::move(extra));
}

}  // namespace

// §6.4.3.2 (GET /entities).
void QueryEntities(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  RunQuery(deps, call, reply, QueryTermsFromUrl(call));
}

// §6.23.3.1 (POST /entityOperations/query): the selection is the Query body (§5.2.23);
// limit, offset, count and options stay URL parameters.
void QueryEntitiesPost(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto terms = QueryTermsFromBody(call.body.get_object());
  if (!terms) return reply.Error(terms.error());
  RunQuery(deps, call, reply, *terms);
}

// §6.5.3.1 (GET /entities/{id}).
void RetrieveEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto render = BuildRenderOptions(call, QueryTermsFromUrl(call));
  if (!render) return reply.Error(render.error());
  auto entity = deps.entities.Retrieve(call.ctx, {call.PathParam("id"), std::nullopt});
  if (!entity) return reply.Error(entity.error());
  reply.Entities(200, RenderOne(*entity, *render, call, reply));
}

// §6.5.3.3 (PUT /entities/{id}): the entity gets the payload's types and attributes.
void ReplaceEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto entity = ParseLdEntity(call.body, *call.context, false);
  if (!entity) return reply.Error(entity.error());
  const std::string id = call.PathParam("id");
  if (!entity->id.empty() && entity->id != id) {
    return reply.Error({base::ErrorCode::kBadRequestData, "BadRequestData",
                        "the payload id differs from the URL's"});
  }
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, id,
      [replacement = std::move(*entity), now](core::Entity& current) -> base::Result<bool> {
        current.types = replacement.types;
        current.scopes = replacement.scopes;  // §5.6.18: the whole entity is replaced
        current.attributes.clear();
        service::AppendLdAttributes(current, replacement.attributes, false, now);
        return true;
      },
      NoContentOrError(reply));
}

// §6.5.3.4 (PATCH /entities/{id}, merge-patch): given attributes merge into existing ones or
// are added; "urn:ngsi-ld:null" deletes (§4.5.8).
void MergeEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto edits = ParseMergePatch(call.body.get_object(), *call.context);
  if (!edits) return reply.Error(edits.error());
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [edits = std::move(*edits), now](core::Entity& entity) -> base::Result<bool> {
        ApplyMergePatch(entity, edits, now);
        return true;
      },
      NoContentOrError(reply));
}

// §6.5.3.2 (DELETE /entities/{id}).
void DeleteEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  deps.entities.DeleteEntity(call.ctx, {call.PathParam("id"), std::nullopt},
                             NoContentOrError(reply));
}

}  // namespace renkei::api::ngsild
