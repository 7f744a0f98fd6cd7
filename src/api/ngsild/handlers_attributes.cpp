// Attribute-level NGSI-LD handlers (NGSI-LD 1.8 §6.6, §6.7).
#include <algorithm>

#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_write_support.hpp"

namespace renkei::api::ngsild {
namespace {

enum class MultiWrite { kAppend, kAppendNoOverwrite, kUpdate };

// §4.18 / §5.6.3: an appended scope replaces the entity's scopes, or with noOverwrite is
// added to them; update (§5.6.2) leaves scopes alone.
bool ApplyScope(core::Entity& entity, const std::optional<std::vector<std::string>>& scopes,
                MultiWrite how) {
  if (!scopes || how == MultiWrite::kUpdate) return false;
  if (how == MultiWrite::kAppend) {
    if (entity.scopes == *scopes) return false;
    entity.scopes = *scopes;
    return true;
  }
  bool changed = false;
  for (const auto& sc : *scopes) {
    if (std::find(entity.scopes.begin(), entity.scopes.end(), sc) != entity.scopes.end()) continue;
    entity.scopes.push_back(sc);
    changed = true;
  }
  return changed;
}

void WriteFragment(const LdDeps& deps, LdCall& call, const LdReply& reply, MultiWrite how) {
  auto attributes = ParseLdFragment(call.body.get_object(), *call.context);
  if (!attributes) return reply.Error(attributes.error());
  auto scopes = ParseLdScope(call.body.get_object());
  if (!scopes) return reply.Error(scopes.error());
  auto result = std::make_shared<service::LdUpdateResult>();
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [attributes = std::move(*attributes), scopes = std::move(*scopes), result, how,
       now](core::Entity& entity) -> base::Result<bool> {
        *result = how == MultiWrite::kUpdate
                      ? service::UpdateLdAttributes(entity, attributes, now)
                      : service::AppendLdAttributes(entity, attributes,
                                                    how == MultiWrite::kAppendNoOverwrite, now);
        const bool scope_changed = ApplyScope(entity, scopes, how);
        return result->changed || scope_changed;
      },
      UpdateResultOrError(reply, result, call.context));
}

}  // namespace

// §6.6.3.1 (POST /entities/{id}/attrs): 204, or 207 for noOverwrite conflicts.
void AppendAttributes(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  WriteFragment(deps, call, reply,
                call.Option("noOverwrite") ? MultiWrite::kAppendNoOverwrite : MultiWrite::kAppend);
}

// §6.6.3.2 (PATCH /entities/{id}/attrs): existing attributes only; 207 lists the others.
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
      [patch = std::move(*patch), now](core::Entity& entity) -> base::Result<bool> {
        RENKEI_TRY_VOID(service::PatchLdAttribute(entity, patch, now));
        return true;
      },
      NoContentOrError(reply));
}

// §6.7.3.3 (PUT /entities/{id}/attrs/{attr}): replace the attribute.
void ReplaceAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  auto instances =
      ParseLdAttribute(StoredName(*call.context, call.PathParam("attr")), call.body, *call.context);
  if (!instances) return reply.Error(instances.error());
  const auto now = call.ctx.now;
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [instances = std::move(*instances), now](core::Entity& entity) -> base::Result<bool> {
        for (const auto& a : instances) {
          RENKEI_TRY_VOID(service::ReplaceLdAttribute(entity, a, now));
        }
        return true;
      },
      NoContentOrError(reply));
}

// §6.7.3.2 (DELETE /entities/{id}/attrs/{attr}?datasetId=...&deleteAll=true).
void DeleteAttribute(const LdDeps& deps, LdCall& call, const LdReply& reply) {
  std::optional<std::string> dataset_id;
  if (auto d = call.Param("datasetId")) dataset_id = std::string(*d);
  const auto delete_all = call.Param("deleteAll");
  const bool all = delete_all && *delete_all == "true";
  deps.entities.EditEntity(
      call.ctx, call.PathParam("id"),
      [name = StoredName(*call.context, call.PathParam("attr")), dataset_id,
       all](core::Entity& entity) -> base::Result<bool> {
        RENKEI_TRY_VOID(service::DeleteLdAttribute(entity, name, dataset_id, all));
        return true;
      },
      NoContentOrError(reply));
}

}  // namespace renkei::api::ngsild
