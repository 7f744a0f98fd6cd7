// What several NGSI-LD write handlers share: the 204/207/error answers of writes, and the
// merge-patch of an entity (NGSI-LD 1.8 §5.6.17), split into parsing (request thread) and
// applying (inside EntityService::EditEntity, on the writer).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "api/ngsild/ld_payload_parser.hpp"
#include "api/ngsild/ld_reply.hpp"
#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"
#include "service/entity_service.hpp"
#include "service/ld_attribute_ops.hpp"

namespace renkei::api::ngsild {

// A write callback answering 204 on success, or the error.
service::Callback<void> NoContentOrError(const LdReply& reply);

// A write callback for multi-attribute writes: 204 when every attribute was updated, else 207
// with the UpdateResult {"updated": [...], "notUpdated": [{"attributeName","reason"}]}
// (§5.2.18), names compacted with `context`. `result` is filled by the edit before `done`.
service::Callback<void> UpdateResultOrError(
    const LdReply& reply, std::shared_ptr<const service::LdUpdateResult> result,
    std::shared_ptr<const core::jsonld::ActiveContext> context);

// A parsed merge-patch: the new types, if given, and every addressed attribute instance.
struct MergePatch {
  std::optional<std::vector<std::string>> types;
  std::vector<LdMergeInstance> edits;
};

// Errors: kBadRequestData for an invalid type or attribute.
base::Result<MergePatch> ParseMergePatch(const boost::json::object& body,
                                         const core::jsonld::ActiveContext& context);
// Existing instances (by name and datasetId) are patched, others added, and NGSI-LD Null
// instances deleted; deleting a missing instance is not an error.
// Returns the names of the attributes it wrote (not the ones it deleted).
std::vector<std::string> ApplyMergePatch(core::Entity& entity, const MergePatch& patch,
                                         base::Timestamp now);

}  // namespace renkei::api::ngsild
