#include "api/ngsild/ld_write_support.hpp"

#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

service::Callback<void> NoContentOrError(const LdReply& reply) {
  return [reply](base::Result<void> r) {
    if (!r) return reply.Error(r.error());
    reply.Empty(204);
  };
}

service::Callback<void> UpdateResultOrError(
    const LdReply& reply, std::shared_ptr<const service::LdUpdateResult> result,
    std::shared_ptr<const core::jsonld::ActiveContext> context) {
  return [reply, result, context](base::Result<void> r) {
    if (!r) return reply.Error(r.error());
    if (result->not_updated.empty()) return reply.Empty(204);
    // §6.6.3.1 / §6.6.3.2: 207 with the UpdateResult.
    json::array updated;
    for (const auto& n : result->updated) updated.push_back(json::string(OutputName(*context, n)));
    json::array not_updated;
    for (const auto& [n, reason] : result->not_updated) {
      not_updated.push_back(
          json::object{{"attributeName", OutputName(*context, n)}, {"reason", reason}});
    }
    reply.Json(
        207, json::object{{"updated", std::move(updated)}, {"notUpdated", std::move(not_updated)}});
  };
}

base::Result<MergePatch> ParseMergePatch(const json::object& body,
                                         const core::jsonld::ActiveContext& context) {
  MergePatch out;
  if (const auto* type = body.if_contains("type")) {
    RENKEI_TRY(out.types, ParseLdTypes(*type, context));
  }
  for (const auto& [key, value] : body) {
    if (IsEntityMember(key)) continue;
    RENKEI_TRY(auto instances, ParseLdMergeAttribute(StoredName(context, key), value, context));
    for (auto& i : instances) out.edits.push_back(std::move(i));
  }
  return out;
}

std::vector<std::string> ApplyMergePatch(core::Entity& entity, const MergePatch& patch,
                                         base::Timestamp now) {
  std::vector<std::string> written;
  if (patch.types) entity.types = *patch.types;
  for (const auto& edit : patch.edits) {
    const auto& addressed = edit.patch.attribute;
    if (edit.patch.remove) {
      // §4.5.5, §5.6.17: the NGSI-LD Null deletes only the instance with that datasetId;
      // deleting a missing one changes nothing.
      (void)service::DeleteLdAttribute(entity, addressed.name, addressed.dataset_id, false);
      continue;
    }
    if (service::PatchLdAttribute(entity, edit.patch, now)) {
      written.push_back(addressed.name);
    } else if (edit.added) {
      service::AppendLdAttributes(entity, {*edit.added}, false, now);
      written.push_back(edit.added->name);
    }
  }
  return written;
}

}  // namespace renkei::api::ngsild
