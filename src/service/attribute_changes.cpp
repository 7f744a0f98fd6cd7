#include "service/attribute_changes.hpp"

#include <algorithm>

#include "service/update_operators.hpp"

namespace renkei::service {
namespace {

bool IsDateTimeType(const std::string& type) { return type == "DateTime" || type == "ISO8601"; }

void MergeMetadata(core::Attribute& target, const AttributeChange& change,
                   const WriteOptions& options) {
  const auto& incoming = change.attribute.metadata;
  // Orion: overrideMetadata replaces; otherwise new metadata are added, present ones
  // updated, absent ones kept, and an explicit empty "metadata": {} clears them all.
  if (options.override_metadata || (change.metadata_given && incoming.empty())) {
    target.metadata = incoming;
    return;
  }
  for (const auto& md : incoming) {
    if (auto* existing = target.FindMetadata(md.name)) {
      *existing = md;
    } else {
      target.metadata.push_back(md);
    }
  }
}

}  // namespace

base::Result<void> ApplyAttributeChanges(core::Entity& entity,
                                         const std::vector<AttributeChange>& changes,
                                         AttributeWriteMode mode, const WriteOptions& options,
                                         base::Timestamp now, ChangeReport& report) {
  for (const auto& change : changes) {
    const core::Attribute& in = change.attribute;
    if (in.name == kDateExpires && !change.value_only) {
      // Transient entities: dateExpires is a builtin kept on the entity, not an attribute.
      if (in.value.is_null()) {
        entity.expires_at.reset();
      } else {
        auto t = in.value.is_string() ? base::ParseIso8601(in.value.get_string()) : std::nullopt;
        if (!t) {
          return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                            "date has invalid format");
        }
        entity.expires_at = *t;
      }
      report.changed = true;
      continue;
    }
    core::Attribute* existing = entity.Find(in.name);
    if (mode == AttributeWriteMode::kAppendStrict && existing != nullptr) {
      report.existing.push_back(in.name);
      continue;
    }
    if (mode == AttributeWriteMode::kUpdateOnly && existing == nullptr) {
      report.missing.push_back(in.name);
      continue;
    }
    boost::json::value value = in.value;
    if (IsUpdateOperator(in.value)) {
      std::optional<boost::json::value> previous;
      if (existing != nullptr) previous = existing->value;
      const std::string& type = change.value_only && existing ? existing->type : in.type;
      auto applied = ApplyUpdateOperator(in.value, previous, IsDateTimeType(type));
      if (!applied) return base::Unexpected{applied.error()};
      if (!applied->has_value()) continue;  // $pull/$unset on a new attribute: nothing to create
      value = std::move(**applied);
    }
    if (existing != nullptr) {
      existing->value = std::move(value);
      if (!change.value_only) {
        // An operator without an explicit type keeps the attribute's type ($inc on a
        // Number stays a Number, not the StructuredValue its operand object implies).
        if (change.type_given || !IsUpdateOperator(in.value)) existing->type = in.type;
        existing->kind = in.kind;
        MergeMetadata(*existing, change, options);
      }
      existing->modified_at = now;
    } else {
      core::Attribute fresh = in;
      fresh.value = std::move(value);
      fresh.created_at = now;
      fresh.modified_at = now;
      entity.attributes.push_back(std::move(fresh));
    }
    report.changed = true;
  }
  if (report.changed) entity.modified_at = now;
  return base::Ok();
}

base::Result<void> PrepareNewAttributes(std::vector<core::Attribute>& attributes,
                                        base::Timestamp now) {
  std::vector<core::Attribute> kept;
  kept.reserve(attributes.size());
  for (auto& attr : attributes) {
    if (IsUpdateOperator(attr.value)) {
      auto applied = ApplyUpdateOperator(attr.value, std::nullopt, IsDateTimeType(attr.type));
      if (!applied) return base::Unexpected{applied.error()};
      if (!applied->has_value()) continue;
      attr.value = std::move(**applied);
    }
    attr.created_at = now;
    attr.modified_at = now;
    kept.push_back(std::move(attr));
  }
  attributes = std::move(kept);
  return base::Ok();
}

std::size_t CountLocationAttributes(const core::Entity& entity) {
  return static_cast<std::size_t>(
      std::count_if(entity.attributes.begin(), entity.attributes.end(), [](const auto& a) {
        if (a.kind != core::AttributeKind::kGeoProperty || a.value.is_null()) return false;
        const core::Attribute* ignore = a.FindMetadata("ignoreType");
        return ignore == nullptr || !(ignore->value.is_bool() && ignore->value.get_bool());
      }));
}

}  // namespace renkei::service
