#include "api/ngsild/ld_write_support.hpp"

#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"

namespace renkei::api::ngsild {
namespace json = boost::json;

// NGSI-LD 1.8 §4.5.8: the null placeholder of merge-patch.
constexpr std::string_view kLdNull = "urn:ngsi-ld:null";

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
    std::vector<std::string> types;
    if (type->is_string()) types.push_back(StoredName(context, type->get_string()));
    if (const auto* a = type->if_array()) {
      for (const auto& t : *a) {
        if (t.is_string()) types.push_back(StoredName(context, t.get_string()));
      }
    }
    if (types.empty()) {
      return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", "invalid type");
    }
    out.types = std::move(types);
  }
  for (const auto& [key, value] : body) {
    if (key == "id" || key == "type" || key == "@context" || key == "scope" || key == "createdAt" ||
        key == "modifiedAt") {
      continue;
    }
    MergeEdit edit;
    edit.name = StoredName(context, key);
    if (value.is_string() && value.get_string() == kLdNull) {
      edit.remove = true;
    } else {
      RENKEI_TRY(edit.instances, ParseLdAttribute(edit.name, value, context));
      RENKEI_TRY(edit.patch, ParseLdAttributePatch(edit.name, value, context));
    }
    out.edits.push_back(std::move(edit));
  }
  return out;
}

void ApplyMergePatch(core::Entity& entity, const MergePatch& patch, base::Timestamp now) {
  if (patch.types) entity.types = *patch.types;
  for (const auto& edit : patch.edits) {
    if (edit.remove) {
      (void)service::DeleteLdAttribute(entity, edit.name, std::nullopt, false);
      continue;
    }
    if (edit.patch && service::PatchLdAttribute(entity, *edit.patch, now)) continue;
    service::AppendLdAttributes(entity, edit.instances, false, now);
  }
}

}  // namespace renkei::api::ngsild
