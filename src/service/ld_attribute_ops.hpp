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

// POST /attrs (§5.6.3): adds new instances; replaces existing ones unless `no_overwrite`,
// in which case they are reported as not updated.
LdUpdateResult AppendLdAttributes(core::Entity& entity, std::vector<core::Attribute> attributes,
                                  bool no_overwrite, base::Timestamp now);
// One instance of an update payload (PATCH /attrs, §5.6.2): the complete instance to write,
// or with `remove` (its value was the NGSI-LD Null, §4.5.8) the instance (name, datasetId) to
// delete.
struct LdInstanceUpdate {
  core::Attribute attribute;
  bool remove = false;
};
// PATCH /attrs (§5.6.2; 1.9.1 §5.6.2.4): replaces or deletes existing instances and appends
// missing ones; deleting (`remove`) a missing instance is reported as not updated.
LdUpdateResult UpdateLdAttributes(core::Entity& entity, std::vector<LdInstanceUpdate> updates,
                                  base::Timestamp now);
// Adds the types the entity does not have yet, in order (§4.16, §5.6.2, §5.6.3: types given
// to an attribute write add up). Returns whether any was added.
bool AddLdTypes(core::Entity& entity, const std::vector<std::string>& types);
// Scopes given to an attribute append (§4.18, §5.6.3): they replace the entity's scopes, or
// with `no_overwrite` the ones it lacks are added. Returns whether the scopes changed.
bool AppendLdScopes(core::Entity& entity, const std::vector<std::string>& scopes,
                    bool no_overwrite);

// What a partial attribute update carries: members absent from the payload are kept.
struct LdAttributePatch {
  core::Attribute attribute;  // name, dataset_id and the given members
  bool value_given = false;   // value/object/languageMap/... was present
  bool type_given = false;    // "type" was present: attribute.kind must match the instance's
  bool remove = false;        // the NGSI-LD Null (§4.5.8): delete the instance
};
// PATCH /attrs/{attr} (§5.6.4) and the attribute step of merge-patch (§5.6.17): merges the
// given members into the existing instance; sub-attributes merge by name; `remove` deletes
// the instance. kResourceNotFound when the instance does not exist, kBadRequestData when
// `type_given` names another attribute type than the instance's.
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
