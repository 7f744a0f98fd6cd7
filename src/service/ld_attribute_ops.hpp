// NGSI-LD attribute write semantics (ETSI GS CIM 009 v1.8 §5.6.3–§5.6.6, §5.6.17, §5.6.19) as
// pure functions over an entity, run by the API through EntityService::EditEntity. An
// attribute instance is identified by (name, datasetId): instances without datasetId are the
// default instance. Every written instance gets modified_at = now; new ones created_at = now.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"

namespace renkei::service {

// The outcome of a multi-attribute write (NGSI-LD UpdateResult, §5.2.18).
struct LdUpdateResult {
  std::vector<std::string> updated;
  std::vector<std::pair<std::string, std::string>> not_updated;  // name, reason
  bool changed = false;
};

// The instance of `name` with this datasetId (nullopt: the default instance), or nullptr.
core::Attribute* FindInstance(core::Entity& entity, const std::string& name,
                              const std::optional<std::string>& dataset_id);

// POST /attrs (§5.6.3): adds new instances; replaces existing ones unless `no_overwrite`,
// in which case they are reported as not updated.
LdUpdateResult AppendLdAttributes(core::Entity& entity, std::vector<core::Attribute> attributes,
                                  bool no_overwrite, base::Timestamp now);
// PATCH /attrs (§5.6.2): replaces existing instances; missing ones are not updated.
LdUpdateResult UpdateLdAttributes(core::Entity& entity, std::vector<core::Attribute> attributes,
                                  base::Timestamp now);

// What a partial attribute update carries: members absent from the payload are kept.
struct LdAttributePatch {
  core::Attribute attribute;  // name, dataset_id and the given members
  bool value_given = false;   // value/object/languageMap/... was present
};
// PATCH /attrs/{attr} (§5.6.4) and the attribute step of merge-patch (§5.6.17): merges the
// given members into the existing instance; sub-attributes merge by name. kResourceNotFound
// when the instance does not exist.
base::Result<void> PatchLdAttribute(core::Entity& entity, const LdAttributePatch& patch,
                                    base::Timestamp now);
// PUT /attrs/{attr} (§5.6.19): replaces the instance. kResourceNotFound when absent.
base::Result<void> ReplaceLdAttribute(core::Entity& entity, core::Attribute attribute,
                                      base::Timestamp now);
// DELETE /attrs/{attr} (§5.6.5): the instance with `dataset_id`, or every instance with
// `delete_all`. kResourceNotFound when nothing was removed.
base::Result<void> DeleteLdAttribute(core::Entity& entity, const std::string& name,
                                     const std::optional<std::string>& dataset_id, bool delete_all);

}  // namespace renkei::service
