// NGSI-LD batch entity operations (ETSI GS CIM 009 v1.8 §5.6.7–§5.6.10, §5.6.20, §6.14–§6.18,
// §6.31): each array element is parsed here into one EntityService::LdBatch item, whose step
// runs on the writer; the whole batch is one write unit. Elements that cannot be parsed become
// items that fail, so the 207 BatchOperationResult lists outcomes in request order.
#include <algorithm>
#include <limits>
#include <set>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_query_builder.hpp"
#include "api/ngsild/ld_write_support.hpp"
#include "service/access_check.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using base::ErrorCode;
using core::jsonld::ActiveContext;
using service::LdBatchApplied;
using service::LdBatchEffect;
using service::LdBatchItem;
using service::LdBatchStep;
using Stored = std::optional<core::Entity>;

base::Unexpected Bad(std::string detail) {
  return base::Fail(ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}
base::Unexpected NotFound(const std::string& id) {
  return base::Fail(ErrorCode::kResourceNotFound, "ResourceNotFound", "Entity not found: " + id);
}

// Makes an element's step from the element and its active @context (request thread).
using StepMaker =
    std::function<base::Result<LdBatchStep>(const json::value&, const ActiveContext&)>;

bool LdJsonBody(const LdCall& call) {
  const auto type = call.request.Header("Content-Type").value_or("");
  return type.substr(0, type.find(';')).starts_with("application/ld+json");
}

// §6.14.3.1 ff.: with application/ld+json each element carries its own @context; with
// application/json the request's (Link header or core) context applies to all.
base::Result<std::shared_ptr<const ActiveContext>> ElementContext(const LdDeps& deps,
                                                                  const LdCall& call,
                                                                  const json::object& element) {
  const auto* context = element.if_contains("@context");
  if (!LdJsonBody(call)) {
    if (context != nullptr) return Bad("@context in an application/json payload");
    return call.context;
  }
  if (context == nullptr) return Bad("application/ld+json entity without @context");
  return deps.contexts.Resolve(*context);
}

// What the elements of a batch are: entities (else ids), and whether an id may come again
// (its later elements then apply in order, seeing what the earlier ones wrote).
struct BatchShape {
  bool entity_elements = true;
  bool repeats_apply_in_order = false;
};

// The items of a batch in request order; elements that cannot be parsed fail as items.
// kBadRequestData for an empty array, kPayloadTooLarge beyond LdApiOptions::max_batch.
base::Result<std::vector<LdBatchItem>> BuildItems(const LdDeps& deps, const LdCall& call,
                                                  const StepMaker& make, BatchShape shape) {
  const auto& elements = call.body.get_array();
  if (elements.empty()) return Bad("a batch needs at least one entity");
  if (elements.size() > deps.options.max_batch) {
    return base::Fail(ErrorCode::kPayloadTooLarge, "",
                      "a batch holds at most " + std::to_string(deps.options.max_batch) +
                          " entities, not " + std::to_string(elements.size()));
  }
  std::vector<LdBatchItem> items;
  std::set<std::string, std::less<>> seen;
  for (const auto& element : elements) {
    const auto* object = element.if_object();
    const json::value* id = object ? object->if_contains("id") : &element;
    LdBatchItem item;
    if (id != nullptr && id->is_string()) item.id = std::string(id->get_string());
    auto step = [&]() -> base::Result<LdBatchStep> {
      if (shape.entity_elements && object == nullptr)
        return Bad("a batch entity must be a JSON object");
      if (item.id.empty()) return Bad("a batch entity needs an id (a URI string)");
      // An id given twice in one create or delete batch is an error for the later
      // occurrences; upsert, update and merge apply them in order, as an IoT agent sending
      // several measures of one device in one upsert expects.
      if (!seen.insert(item.id).second && !shape.repeats_apply_in_order) {
        return Bad("duplicated entity id in the batch: " + item.id);
      }
      if (!shape.entity_elements) return make(element, *call.context);
      RENKEI_TRY(auto context, ElementContext(deps, call, *object));
      return make(element, *context);
    }();
    if (step) {
      item.step = std::move(*step);
    } else {
      item.step = [error = step.error()](Stored&) -> base::Result<LdBatchApplied> {
        return base::Unexpected{error};
      };
    }
    items.push_back(std::move(item));
  }
  return items;
}

// How a fully successful batch answers.
enum class SuccessAnswer { kCreatedIds, kCreatedIdsOrNoContent, kNoContent };

// §6.14.3.1 ff.: 207 with the BatchOperationResult (§5.2.16) when any entity failed.
service::Callback<service::LdBatchOutcome> Answer(const LdReply& reply, SuccessAnswer success) {
  return [reply, success](base::Result<service::LdBatchOutcome> r) {
    if (!r) return reply.Error(r.error());
    const auto ids = [](const std::vector<std::string>& v) {
      json::array out;
      for (const auto& id : v) out.push_back(json::string(id));
      return out;
    };
    if (!r->errors.empty()) {
      json::array errors;
      for (const auto& [id, error] : r->errors) {
        errors.push_back(json::object{{"entityId", id}, {"error", ProblemJson(error)}});
      }
      return reply.Json(207, json::object{{"success", ids(r->succeeded)}, {"errors", errors}});
    }
    if (success == SuccessAnswer::kCreatedIds ||
        (success == SuccessAnswer::kCreatedIdsOrNoContent && !r->created.empty())) {
      return reply.Json(201, ids(r->created));
    }
    reply.Empty(204);
  };
}

void RunBatch(const LdDeps& deps, LdCall& call, const LdReply& reply, const StepMaker& make,
              SuccessAnswer success, BatchShape shape) {
  auto items = BuildItems(deps, call, make, shape);
  if (!items) return reply.Error(items.error());
  deps.entities.LdBatch(call.ctx, std::move(*items), Answer(reply, success));
}

// An entity fragment whose type is optional (batch update): id, types (maybe none), attributes.
base::Result<core::Entity> ParseFragmentWithId(const json::value& element,
                                               const ActiveContext& context) {
  if (element.get_object().contains("type")) return ParseLdEntity(element, context, true);
  core::Entity out;
  out.id = std::string(element.at("id").get_string());
  RENKEI_TRY(auto scopes, ParseLdScope(element.get_object()));
  if (scopes) out.scopes = std::move(*scopes);
  RENKEI_TRY(out.attributes, ParseLdFragment(element.get_object(), context));
  return out;
}

}  // namespace

// §5.6.7 / §6.14.3.1: create each entity; existing ids are AlreadyExists.
void BatchCreate(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const StepMaker make = [](const json::value& e,
                            const ActiveContext& context) -> base::Result<LdBatchStep> {
    RENKEI_TRY(auto entity, ParseLdEntity(e, context, true));
    return LdBatchStep{
        [entity = std::move(entity)](Stored& stored) -> base::Result<LdBatchApplied> {
          if (stored) {
            return base::Fail(ErrorCode::kAlreadyExists, "AlreadyExists",
                              "Entity already exists: " + entity.id);
          }
          stored = entity;
          return LdBatchApplied{LdBatchEffect::kCreated};
        }};
  };
  RunBatch(deps, call, reply, make, SuccessAnswer::kCreatedIds, {});
}

// §5.6.8 / §6.15.3.1: create missing entities; existing ones are replaced (options=replace,
// the default) or get the attributes appended and overwritten (options=update).
void BatchUpsert(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  if (call.Option("update") && call.Option("replace")) {
    return reply.Error(
        {ErrorCode::kBadRequestData, "BadRequestData", "options update and replace are exclusive"});
  }
  const bool update = call.Option("update");
  const auto now = call.ctx.now;
  const StepMaker make = [update, now](const json::value& e,
                                       const ActiveContext& context) -> base::Result<LdBatchStep> {
    RENKEI_TRY(auto entity, ParseLdEntity(e, context, true));
    return LdBatchStep{[entity = std::move(entity), update,
                        now](Stored& stored) -> base::Result<LdBatchApplied> {
      if (!stored) {
        stored = entity;
        return LdBatchApplied{LdBatchEffect::kCreated};
      }
      if (update) {
        // §5.6.8 with options=update: appended as by §5.6.3 (types and scopes too).
        service::AddLdTypes(*stored, entity.types);
        if (!entity.scopes.empty()) service::AppendLdScopes(*stored, entity.scopes, false);
      } else {
        // §5.6.8: replace makes the entity what the element says, scopes included.
        stored->types = entity.types;
        stored->scopes = entity.scopes;
        stored->attributes.clear();
      }
      LdBatchApplied applied{LdBatchEffect::kUpdated};
      applied.written = service::AppendLdAttributes(*stored, entity.attributes, false, now).updated;
      return applied;
    }};
  };
  RunBatch(deps, call, reply, make, SuccessAnswer::kCreatedIdsOrNoContent, {true, true});
}

// §5.6.9 / §6.16.3.1: append attributes to existing entities (options=noOverwrite keeps the
// existing ones); a missing entity is ResourceNotFound.
void BatchUpdate(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const bool no_overwrite = call.Option("noOverwrite");
  const auto now = call.ctx.now;
  const StepMaker make = [no_overwrite, now](
                             const json::value& e,
                             const ActiveContext& context) -> base::Result<LdBatchStep> {
    RENKEI_TRY(auto entity, ParseFragmentWithId(e, context));
    return LdBatchStep{[entity = std::move(entity), no_overwrite,
                        now](Stored& stored) -> base::Result<LdBatchApplied> {
      if (!stored) return NotFound(entity.id);
      service::AddLdTypes(*stored, entity.types);
      if (!entity.scopes.empty()) service::AppendLdScopes(*stored, entity.scopes, no_overwrite);
      const auto result =
          service::AppendLdAttributes(*stored, entity.attributes, no_overwrite, now);
      LdBatchApplied applied{LdBatchEffect::kUpdated};
      applied.written = result.updated;
      if (!result.not_updated.empty()) {
        // §5.6.9 / §6.16.3.1: attributes kept by noOverwrite make this entity's outcome a
        // problem (207), while the attributes it added are stored.
        std::string names;
        for (const auto& [name, reason] : result.not_updated) {
          names += (names.empty() ? "" : ", ") + name;
        }
        applied.partial = base::Error{ErrorCode::kAlreadyExists, "AlreadyExists",
                                      "attributes not overwritten (noOverwrite): " + names};
      }
      return applied;
    }};
  };
  RunBatch(deps, call, reply, make, SuccessAnswer::kNoContent, {true, true});
}

// §5.6.10 / §6.17.3.1: the body is an array of entity ids.
void BatchDelete(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const StepMaker make = [](const json::value& e,
                            const ActiveContext&) -> base::Result<LdBatchStep> {
    return LdBatchStep{
        [id = std::string(e.get_string())](Stored& stored) -> base::Result<LdBatchApplied> {
          if (!stored) return NotFound(id);
          return LdBatchApplied{LdBatchEffect::kDeleted};
        }};
  };
  RunBatch(deps, call, reply, make, SuccessAnswer::kNoContent, {false, false});
}

// §5.6.20 / §6.31.3.1: merge-patch each existing entity as PATCH /entities/{id} does.
void BatchMerge(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const auto now = call.ctx.now;
  const StepMaker make = [now](const json::value& e,
                               const ActiveContext& context) -> base::Result<LdBatchStep> {
    RENKEI_TRY(auto patch, ParseMergePatch(e.get_object(), context));
    return LdBatchStep{[patch = std::move(patch), now, id = std::string(e.at("id").get_string())](
                           Stored& stored) -> base::Result<LdBatchApplied> {
      if (!stored) return NotFound(id);
      LdBatchApplied applied{LdBatchEffect::kUpdated};
      applied.written = ApplyMergePatch(*stored, patch, now);
      return applied;
    }};
  };
  RunBatch(deps, call, reply, make, SuccessAnswer::kNoContent, {true, true});
}

namespace {

// What a purge does to each matched entity: delete it, or (`drop` / `keep`, added to §5.6.21
// in NGSI-LD 1.9.1) delete only the named attributes / all but the named attributes and keep
// the entity.
struct PurgeAction {
  std::set<std::string, std::less<>> names;  // stored attribute names; empty: whole entities
  bool keep = false;
};

base::Result<PurgeAction> ParsePurgeAction(const LdCall& call) {
  const auto drop = call.Param("drop");
  const auto keep = call.Param("keep");
  if (drop && keep) return Bad("keep and drop cannot be used together");
  PurgeAction out;
  if (!drop && !keep) return out;
  out.keep = keep.has_value();
  for (const auto& name : SplitCommaList(keep ? *keep : *drop)) {
    out.names.insert(StoredName(*call.context, name));
  }
  if (out.names.empty()) return Bad(std::string(keep ? "keep" : "drop") + " names no attribute");
  return out;
}

LdBatchStep PurgeStep(std::shared_ptr<const PurgeAction> action) {
  return [action](Stored& stored) -> base::Result<LdBatchApplied> {
    // An entity deleted meanwhile is no error: the purge's outcome is the same.
    if (!stored) return LdBatchApplied{LdBatchEffect::kNone};
    if (action->names.empty()) return LdBatchApplied{LdBatchEffect::kDeleted};
    const auto removed = std::erase_if(stored->attributes, [&](const core::Attribute& a) {
      return action->names.contains(a.name) != action->keep;
    });
    return LdBatchApplied{removed > 0 ? LdBatchEffect::kUpdated : LdBatchEffect::kNone};
  };
}

}  // namespace

// Purge entities (DELETE /entities, NGSI-LD 1.8 §5.6.21 / §6.4.3.3): every entity the query
// selection (id, idPattern, type, q, geo) matches is deleted, or loses the attributes `drop`
// names / all but those `keep` names, in one write unit; 204.
void PurgeEntities(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  for (std::string_view unsupported : {"attrs", "pick", "omit", "scopeQ"}) {
    if (call.Param(unsupported)) {
      return reply.Error({ErrorCode::kOperationNotSupported, "OperationNotSupported",
                          std::string(unsupported) + " is not supported when purging"});
    }
  }
  auto action = ParsePurgeAction(call);
  if (!action) return reply.Error(action.error());
  // The selection below sees only the types the caller may read: without this check a
  // caller that may write nothing would get 204 for a purge that can never write (as if it
  // had purged). It gets the refusal every other write gives it (docs/security.md).
  if (auto allowed = service::AuthorizeSome(call.ctx, auth::Action::kWrite); !allowed) {
    return reply.Error(allowed.error());
  }
  auto terms = QueryTermsFromUrl(call);
  terms.ids_suffice = true;
  auto request = BuildLdQuery(call, terms, deps.options);
  if (!request) return reply.Error(request.error());
  request->query.offset = 0;
  request->query.limit = std::numeric_limits<std::size_t>::max();
  request->query.want_count = false;
  auto page = deps.entities.Query(call.ctx, request->query);
  if (!page) return reply.Error(page.error());
  const auto shared_action = std::make_shared<const PurgeAction>(std::move(*action));
  std::vector<LdBatchItem> items;
  for (const auto& e : page->entities) {
    if (request->PostFilterMatches(e)) items.push_back({e.id, PurgeStep(shared_action)});
  }
  if (items.empty()) return reply.Empty(204);
  deps.entities.LdBatch(call.ctx, std::move(items),
                        [reply](base::Result<service::LdBatchOutcome> r) {
                          if (!r) return reply.Error(r.error());
                          reply.Empty(204);
                        });
}

}  // namespace renkei::api::ngsild
