#include "service/ld_attribute_ops.hpp"

#include <algorithm>

namespace renkei::service {
namespace {

void Stamp(core::Attribute& a, base::Timestamp created, base::Timestamp now) {
  a.created_at = created;
  a.modified_at = now;
  for (auto& sub : a.metadata) Stamp(sub, now, now);
}

base::Unexpected AttributeNotFound(const std::string& name) {
  return base::Fail(base::ErrorCode::kResourceNotFound, "ResourceNotFound",
                    "Attribute not found: " + name);
}

}  // namespace

LdUpdateResult AppendLdAttributes(core::Entity& entity, std::vector<core::Attribute> attributes,
                                  bool no_overwrite, base::Timestamp now) {
  LdUpdateResult result;
  for (auto& in : attributes) {
    core::Attribute* existing = entity.FindInstance(in.name, in.dataset_id);
    if (existing != nullptr && no_overwrite) {
      // §5.6.3: with noOverwrite an existing attribute is left alone and reported.
      result.not_updated.emplace_back(in.name, "attribute already exists (noOverwrite)");
      continue;
    }
    result.updated.push_back(in.name);
    result.changed = true;
    if (existing != nullptr) {
      const auto created = existing->created_at;
      *existing = std::move(in);
      Stamp(*existing, created, now);
    } else {
      Stamp(in, now, now);
      entity.attributes.push_back(std::move(in));
    }
  }
  return result;
}

LdUpdateResult UpdateLdAttributes(core::Entity& entity, std::vector<LdInstanceUpdate> updates,
                                  base::Timestamp now) {
  LdUpdateResult result;
  for (auto& [in, remove] : updates) {
    core::Attribute* existing = entity.FindInstance(in.name, in.dataset_id);
    if (existing == nullptr && remove) {
      // §4.5.8: the NGSI-LD Null names an instance to delete; a missing one is reported.
      result.not_updated.emplace_back(in.name, "attribute does not exist");
      continue;
    }
    result.updated.push_back(in.name);
    result.changed = true;
    if (existing == nullptr) {
      // NGSI-LD 1.9.1 §5.6.2.4: "If the target Entity does not include a matching Attribute
      // [...] then such Attribute shall be appended to the target Entity" (likewise for an
      // instance whose datasetId is not there). docs/ngsild-conformance.md has the evidence.
      Stamp(in, now, now);
      entity.attributes.push_back(std::move(in));
      continue;
    }
    if (remove) {
      // §5.6.2, §4.5.8: the NGSI-LD Null deletes the instance with that datasetId alone.
      (void)DeleteLdAttribute(entity, in.name, in.dataset_id, false);
      continue;
    }
    const auto created = existing->created_at;
    *existing = std::move(in);
    Stamp(*existing, created, now);
  }
  return result;
}

namespace {

// Appends the values `to` lacks, in order; returns whether any was added.
bool AddMissing(std::vector<std::string>& to, const std::vector<std::string>& values) {
  bool added = false;
  for (const auto& v : values) {
    if (std::find(to.begin(), to.end(), v) != to.end()) continue;
    to.push_back(v);
    added = true;
  }
  return added;
}

}  // namespace

bool AddLdTypes(core::Entity& entity, const std::vector<std::string>& types) {
  return AddMissing(entity.types, types);
}

bool AppendLdScopes(core::Entity& entity, const std::vector<std::string>& scopes,
                    bool no_overwrite) {
  if (no_overwrite) return AddMissing(entity.scopes, scopes);
  if (entity.scopes == scopes) return false;
  entity.scopes = scopes;
  return true;
}

base::Result<void> PatchLdAttribute(core::Entity& entity, const LdAttributePatch& patch,
                                    base::Timestamp now) {
  const core::Attribute& in = patch.attribute;
  core::Attribute* existing = entity.FindInstance(in.name, in.dataset_id);
  if (existing == nullptr) return AttributeNotFound(in.name);
  if (patch.remove) {
    // §5.6.4, §4.5.8: an NGSI-LD Null value deletes the addressed instance.
    return DeleteLdAttribute(entity, in.name, in.dataset_id, false);
  }
  if (patch.type_given && in.kind != existing->kind) {
    // §5.6.4: a partial update keeps the attribute's type; another one is an invalid fragment.
    return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData",
                      "attribute " + in.name + " has another type than the one given");
  }
  if (patch.value_given) {
    existing->kind = in.kind;
    existing->type = in.type;
    existing->value = in.value;
  }
  if (in.observed_at) existing->observed_at = in.observed_at;
  if (in.unit_code) existing->unit_code = in.unit_code;
  for (const auto& sub : in.metadata) {
    core::Attribute copy = sub;
    Stamp(copy, now, now);
    if (auto* old = existing->FindMetadata(sub.name)) {
      copy.created_at = old->created_at;
      *old = std::move(copy);
    } else {
      existing->metadata.push_back(std::move(copy));
    }
  }
  existing->modified_at = now;
  return base::Ok();
}

base::Result<void> ReplaceLdAttribute(core::Entity& entity, core::Attribute attribute,
                                      base::Timestamp now) {
  core::Attribute* existing = entity.FindInstance(attribute.name, attribute.dataset_id);
  if (existing == nullptr) return AttributeNotFound(attribute.name);
  const auto created = existing->created_at;
  *existing = std::move(attribute);
  Stamp(*existing, created, now);
  return base::Ok();
}

base::Result<void> DeleteLdAttribute(core::Entity& entity, const std::string& name,
                                     const std::optional<std::string>& dataset_id,
                                     bool delete_all) {
  const auto removed = std::erase_if(entity.attributes, [&](const core::Attribute& a) {
    return a.name == name && (delete_all || a.dataset_id == dataset_id);
  });
  if (removed == 0) return AttributeNotFound(name);
  return base::Ok();
}

}  // namespace renkei::service
