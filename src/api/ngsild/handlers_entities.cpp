// Entity-level NGSI-LD handlers: create, query, retrieve, replace, merge-patch, delete.
#include <algorithm>
#include <limits>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_pagination.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_query_builder.hpp"
#include "api/ngsild/ld_write_support.hpp"
#include "api/ngsild/linked_entities.hpp"
#include "http/request_target.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

// NGSI-LD 1.8 §6.4.3.1 (POST /entities): 201 with Location, 409 AlreadyExists.
void CreateEntity(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto entity = ParseLdEntity(call.body, *call.context, true);
  if (!entity) return reply.Error(entity.error());
  // One path segment, so that an id that is itself a URL (https://…/x) can be followed back.
  std::string location = "/ngsi-ld/v1/entities/";
  http::AppendPercentEncodedSegment(entity->id, location);
  deps.entities.CreateUnique(call.ctx, std::move(*entity), [reply, location](base::Result<void> r) {
    if (!r) return reply.Error(r.error());
    reply.Empty(201, {{"Location", location}});
  });
}

namespace {

json::object RenderOne(const core::Entity& e, const LdRenderOptions& render, const LdCall& call,
                       const LdReply& reply, const InlineLinkedEntity& inline_linked = {}) {
  if (reply.context().media == LdMediaType::kGeoJson) {
    return RenderGeoJsonFeature(e, render, *call.context, inline_linked);
  }
  return RenderLdEntity(e, render, *call.context, inline_linked);
}

// Linked entities (§4.5.23) come from the request's tenant and ServicePath scope.
EntityFetch FetchFromStore(const LdDeps& deps, const LdCall& call) {
  return [&deps,
          &call](const std::vector<std::string>& ids) -> base::Result<std::vector<core::Entity>> {
    RENKEI_TRY(store::EntityPage page, deps.entities.Query(call.ctx, store::QueryByIds(ids)));
    return std::move(page.entities);
  };
}

// The entities of a response, each followed by what a flat join adds (§4.5.23), or with
// what an inline join adds inside. Entities left without any member by pick/omit are not
// shown (§4.21).
base::Result<json::array> RenderWithLinks(const LdDeps& deps, const LdCall& call,
                                          const LdReply& reply,
                                          const std::vector<core::Entity>& entities,
                                          const LdRenderOptions& render, const JoinRequest& join) {
  RENKEI_TRY(LinkedEntities linked,
             LinkedEntities::Collect(entities, render, join, deps.options.max_linked_entities,
                                     FetchFromStore(deps, call)));
  json::array out;
  for (const auto& e : entities) {
    if (!ShowsAnyMember(e, render)) continue;
    out.push_back(RenderOne(e, render, call, reply, linked.InlineInto(e, render, *call.context)));
  }
  for (const auto& f : linked.Flat()) {
    if (ShowsAnyMember(*f.entity, f.options)) {
      out.push_back(RenderOne(*f.entity, f.options, call, reply));
    }
  }
  return out;
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
  } else if (limit > 0) {
    // One entity more than the page tells whether a next page exists (§5.5.9) without
    // counting every match.
    request->query.limit = limit + 1;
  }
  auto page = deps.entities.Query(call.ctx, request->query);
  if (!page) return reply.Error(page.error());
  if (request->NeedsPostFilter()) {
    std::erase_if(page->entities,
                  [&](const core::Entity& e) { return !request->PostFilterMatches(e); });
    if (request->query.want_count) page->total_count = page->entities.size();
    const std::size_t begin = std::min(offset, page->entities.size());
    page->entities.erase(page->entities.begin(), page->entities.begin() + static_cast<long>(begin));
  }
  // What the links need: the matches from the page's start on, bounded by one past the page.
  const std::size_t seen_from_offset = page->entities.size();
  if (page->entities.size() > limit) page->entities.resize(limit);
  auto out = RenderWithLinks(deps, call, reply, page->entities, request->render, request->join);
  if (!out) return reply.Error(out.error());
  // §5.5.9: prev/next Link headers naming the neighbouring pages of a GET query. A POST
  // query's selection is in its body, which a link cannot carry: it gets none.
  http::HeaderList extra;
  if (call.request.method == "GET") {
    extra = PaginationLinks(call.request, offset, limit, offset + seen_from_offset);
  }
  if (page->total_count) {
    extra.emplace_back("NGSILD-Results-Count", std::to_string(*page->total_count));
  }
  if (reply.context().media == LdMediaType::kGeoJson) {
    json::object collection{{"type", "FeatureCollection"}, {"features", std::move(*out)}};
    return reply.Entities(200, std::move(collection), std::move(extra));
  }
  reply.Entities(200, std::move(*out), std::move(extra));
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
  const LdQueryTerms terms = QueryTermsFromUrl(call);
  auto render = BuildRenderOptions(call, terms);
  if (!render) return reply.Error(render.error());
  auto join = BuildJoinRequest(terms, deps.options);
  if (!join) return reply.Error(join.error());
  auto entity = deps.entities.Retrieve(call.ctx, {call.PathParam("id"), std::nullopt});
  if (!entity) return reply.Error(entity.error());
  // §5.7.1: an entity with none of the requested attributes, or with no member left by
  // pick/omit (§4.21), is not found.
  const auto not_found = [&] {
    reply.Error({base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                 "the entity has none of the requested members"});
  };
  if (terms.attrs && std::none_of(entity->attributes.begin(), entity->attributes.end(),
                                  [&](const auto& a) { return IsShown(a, *render); })) {
    return not_found();
  }
  const std::vector<core::Entity> found{std::move(*entity)};
  auto out = RenderWithLinks(deps, call, reply, found, *render, *join);
  if (!out) return reply.Error(out.error());
  if (out->empty()) return not_found();
  // §4.5.23: a flat join that found linked entities answers an array (GeoJSON: a
  // FeatureCollection), the entity first; without any, the entity alone (as the ETSI suite
  // expects, 018_14_02).
  if (out->size() > 1) {
    if (reply.context().media == LdMediaType::kGeoJson) {
      return reply.Entities(200, json::object{{"type", "FeatureCollection"}, {"features", *out}});
    }
    return reply.Entities(200, std::move(*out));
  }
  reply.Entities(200, std::move(out->front()));
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
      [replacement = std::move(*entity), now](
          core::Entity& current, std::vector<std::string>& written) -> base::Result<bool> {
        current.types = replacement.types;
        current.scopes = replacement.scopes;  // §5.6.18: the whole entity is replaced
        current.attributes.clear();
        written = service::AppendLdAttributes(current, replacement.attributes, false, now).updated;
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
      [edits = std::move(*edits), now](core::Entity& entity,
                                       std::vector<std::string>& written) -> base::Result<bool> {
        written = ApplyMergePatch(entity, edits, now);
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
