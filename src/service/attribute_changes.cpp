#include "service/attribute_changes.hpp"

#include <algorithm>

#include "core/geo/geometry.hpp"
#include "service/update_operators.hpp"

namespace renkei::service {
namespace {

bool IsDateTimeType(const std::string& type) { return type == "DateTime" || type == "ISO8601"; }

bool IgnoresType(const core::Attribute& attr) {
  const core::Attribute* ignore = attr.FindMetadata("ignoreType");
  return ignore != nullptr && ignore->value.is_bool() && ignore->value.get_bool();
}

// NGSIv2 geo types mean a location unless ignoreType (possibly kept from earlier metadata)
// says otherwise.
void RefreshGeoKind(core::Attribute& attr) {
  if (!core::geo::IsV2GeoType(attr.type)) return;
  attr.kind =
      IgnoresType(attr) ? core::AttributeKind::kProperty : core::AttributeKind::kGeoProperty;
}

base::Result<void> CheckGeometry(const core::Attribute& attr, bool existing) {
  if (attr.kind != core::AttributeKind::kGeoProperty || attr.value.is_null() ||
      !core::geo::IsV2GeoType(attr.type)) {
    return base::Ok();
  }
  auto geometry = core::geo::ParseV2GeoAttribute(attr.type, attr.value);
  if (geometry) return base::Ok();
  base::Error error = geometry.error();
  constexpr std::string_view kPrefix = "error parsing location attribute: ";
  if (existing && std::string_view(error.detail).starts_with(kPrefix)) {
    error.detail = "error parsing location attribute for existing attribute: " +
                   error.detail.substr(kPrefix.size());
  }
  return base::Unexpected{std::move(error)};
}

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
      if (existing->kind == core::AttributeKind::kGeoProperty && !existing->value.is_null()) {
        report.updated_locations.push_back(in.name);
      }
      existing->value = std::move(value);
      if (!change.value_only) {
        // An operator without an explicit type keeps the attribute's type ($inc on a
        // Number stays a Number, not the StructuredValue its operand object implies).
        if (change.type_given || !IsUpdateOperator(in.value)) existing->type = in.type;
        existing->kind = in.kind;
        MergeMetadata(*existing, change, options);
        RefreshGeoKind(*existing);
      }
      existing->modified_at = now;
      report.updated.push_back(in.name);
    } else {
      core::Attribute fresh = in;
      fresh.value = std::move(value);
      fresh.created_at = now;
      fresh.modified_at = now;
      entity.attributes.push_back(std::move(fresh));
      report.created.push_back(in.name);
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
        return a.kind == core::AttributeKind::kGeoProperty && !a.value.is_null() && !IgnoresType(a);
      }));
}

base::Result<void> CheckLocations(const core::Entity& entity, const ChangeReport* report) {
  if (CountLocationAttributes(entity) > 1) {
    return base::Fail(base::ErrorCode::kPayloadTooLarge, "NoResourcesAvailable",
                      "You cannot use more than one geo location attribute when creating an "
                      "entity. Use ignoreType metadata if you want to add additional "
                      "informative locations.");
  }
  for (const auto& attr : entity.attributes) {
    bool existing = false;
    if (report != nullptr) {
      const auto touched = [&](const std::vector<std::string>& names) {
        return std::find(names.begin(), names.end(), attr.name) != names.end();
      };
      if (!touched(report->updated) && !touched(report->created)) continue;
      // Orion's wording (test 3533_null_in_datetime_and_geo): "for existing attribute" when
      // an existing attribute did not hold a location (e.g. it was null) before the update.
      existing = touched(report->updated) && !touched(report->updated_locations);
    }
    RENKEI_TRY_VOID(CheckGeometry(attr, existing));
  }
  return base::Ok();
}

}  // namespace renkei::service
