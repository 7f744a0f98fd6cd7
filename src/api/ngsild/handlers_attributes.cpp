// Attribute-level NGSI-LD handlers (NGSI-LD 1.8 §6.6, §6.7).
#include <functional>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_write_support.hpp"

namespace renkei::api::ngsild {
namespace {

enum class MultiWrite { kAppend, kAppendNoOverwrite, kUpdate };

// What an attribute write says about the entity itself: types to add and scopes.
struct EntityMembers {
  std::optional<std::vector<std::string>> types;
  std::optional<std::vector<std::string>> scopes;
};

base::Result<EntityMembers> ParseEntityMembers(const boost::json::object& body,
                                               const core::jsonld::ActiveContext& context) {
  EntityMembers out;
  if (const auto* type = body.if_contains("type")) {
    RENKEI_TRY(out.types, ParseLdTypes(*type, context));
  }
  RENKEI_TRY(out.scopes, ParseLdScope(body));
  return out;
}

// §4.16: given types are added to the entity's (append and update alike). §4.18: scope is
// written like an attribute: append (§5.6.3) replaces the entity's scopes, or with noOverwrite
// adds to them; update (§5.6.2) replaces existing scopes only, so an entity without scope
// reports it as not updated.
bool ApplyEntityMembers(core::Entity& entity, const EntityMembers& members, MultiWrite how,
                        service::LdUpdateResult& result) {
  bool changed = members.types && service::AddLdTypes(entity, *members.types);
  if (!members.scopes) return changed;
  const std::string name = "scope";
  if (how == MultiWrite::kUpdate && entity.scopes.empty()) {
    result.not_updated.emplace_back(name, "the entity has no scope");
    return changed;
  }
  result.updated.push_back(name);
  const bool scopes_changed =
      service::AppendLdScopes(entity, *members.scopes, how == MultiWrite::kAppendNoOverwrite);
  return changed || scopes_changed;
}

void WriteFragment(const LdDeps& deps, LdCall& call, const LdReply& reply, MultiWrite how) {
  const auto& body = call.body.get_object();
  auto members = ParseEntityMembers(body, *call.context);
  if (!members) return reply.Error(members.error());
  const auto now = call.ctx.now;
  // The attribute part of the write, bound to its parsed payload.
  std::function<service::LdUpdateResult(core::Entity&)> write_attributes;
  if (how == MultiWrite::kUpdate) {
    auto updates = ParseLdUpdateFragment(body, *call.context);
    if (!updates) return reply.Error(updates.error());
    write_attributes = [updates = std::move(*updates), now](core::Entity& entity) {
      return service::UpdateLdAttributes(entity, updates, now);
    };
  } else {
    auto attributes = ParseLdFragment(body, *call.context);
    if (!attributes) return reply.Error(attributes.error());
    write_attributes = [attributes = std::move(*attributes),
                        no_overwrite = how == MultiWrite::kAppendNoOverwrite,
                        now](core::Entity& entity) {
      return service::AppendLdAttributes(entity, attributes, no_overwrite, now);
    };
  }
  auto result = std::make_shared<service::LdUpdateResult>();
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [write_attributes = std::move(write_attributes), members = std::move(*members), result, how](
          core::Entity& entity, std::vector<std::string>& written) -> base::Result<bool> {
        *result = write_attributes(entity);
        written = result->updated;  // attribute names (UpdateLdAttributes, AppendLdAttributes)
        const bool entity_changed = ApplyEntityMembers(entity, members, how, *result);
        return result->changed || entity_changed;
      },
      UpdateResultOrError(reply, result, call.context));
}

}  // namespace

// §6.6.3.1 (POST /entities/{id}/attrs): 204, or 207 for noOverwrite conflicts.
void AppendAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  WriteFragment(deps, call, reply,
                call.Option("noOverwrite") ? MultiWrite::kAppendNoOverwrite : MultiWrite::kAppend);
}

// §6.6.3.2 (PATCH /entities/{id}/attrs): existing attributes are replaced, missing ones
// appended (1.9.1 §5.6.2.4); 207 lists what was not updated (NGSI-LD Null for a missing
// instance, scope on an entity without scope).
void UpdateAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  WriteFragment(deps, call, reply, MultiWrite::kUpdate);
}

// §6.7.3.1 (PATCH /entities/{id}/attrs/{attr}): partial attribute update.
void PatchAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto patch = ParseLdAttributePatch(StoredName(*call.context, call.PathParam("attr")), call.body,
                                     *call.context);
  if (!patch) return reply.Error(patch.error());
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [patch = std::move(*patch), now](core::Entity& entity,
                                       std::vector<std::string>& written) -> base::Result<bool> {
        RENKEI_TRY_VOID(service::PatchLdAttribute(entity, patch, now));
        if (!patch.remove) written.push_back(patch.attribute.name);
        return true;
      },
      NoContentOrError(reply));
}

// §6.7.3.3 (PUT /entities/{id}/attrs/{attr}): replace the attribute.
void ReplaceAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto instances = ParseLdWholeAttribute(StoredName(*call.context, call.PathParam("attr")),
                                         call.body, *call.context);
  if (!instances) return reply.Error(instances.error());
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [instances = std::move(*instances), now](
          core::Entity& entity, std::vector<std::string>& written) -> base::Result<bool> {
        for (const auto& a : instances) {
          RENKEI_TRY_VOID(service::ReplaceLdAttribute(entity, a, now));
          written.push_back(a.name);
        }
        return true;
      },
      NoContentOrError(reply));
}

// §6.7.3.2 (DELETE /entities/{id}/attrs/{attr}?datasetId=...&deleteAll=true).
void DeleteAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  const std::string name = StoredName(*call.context, call.PathParam("attr"));
  if (name == "scope") {
    // §4.18, §5.6.5: scope is deleted like an attribute; ResourceNotFound when there is none.
    deps.entities.EditEntity(
        call.ctx, call.PathParam("id"),
        [](core::Entity& entity, std::vector<std::string>&) -> base::Result<bool> {
          if (entity.scopes.empty()) {
            return base::Fail(base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                              "the entity has no scope");
          }
          entity.scopes.clear();
          return true;
        },
        NoContentOrError(reply));
    return;
  }
  std::optional<std::string> dataset_id;
  if (auto d = call.Param("datasetId")) dataset_id = std::string(*d);
  const auto delete_all = call.Param("deleteAll");
  const bool all = delete_all && *delete_all == "true";
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [name, dataset_id, all](core::Entity& entity,
                              std::vector<std::string>&) -> base::Result<bool> {
        RENKEI_TRY_VOID(service::DeleteLdAttribute(entity, name, dataset_id, all));
        return true;
      },
      NoContentOrError(reply));
}

}  // namespace renkei::api::ngsild
