#include "opendata/export_row.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include <boost/json.hpp>

namespace renkei::opendata {
namespace {

namespace json = boost::json;

bool Names(const std::vector<std::string>& names, const std::string& column) {
  return std::find(names.begin(), names.end(), column) != names.end();
}

const json::value* ValueOf(const core::Entity& entity, const std::string& attribute) {
  const core::Attribute* found = entity.Find(attribute);
  return found ? &found->value : nullptr;
}

std::string TextOf(const json::value* value) {
  if (value == nullptr) return {};
  if (value->is_string()) return std::string(value->as_string());
  if (value->is_number()) return NumberText(*value);
  if (value->is_bool()) return value->as_bool() ? "true" : "false";
  return {};
}

// GIF DS-444: decimal degrees with 6 decimal places.
std::string Degrees(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6f", value);
  return buffer;
}

// Hazard names as the standard writes them (崖崩れ、土石流及び地滑り) or as Wakayama's list does
// (崖崩れ・土石流及び地滑り): the separators differ, the hazard is the same.
bool SameHazard(std::string_view stored, std::string_view standard) {
  auto unify = [](std::string_view text) {
    std::string out(text);
    for (std::size_t at; (at = out.find("・")) != std::string::npos;) out.replace(at, 3, "、");
    return out;
  };
  return stored == standard || unify(stored) == unify(standard);
}

}  // namespace

std::string NumberText(const json::value& number) {
  if (number.is_int64()) return std::to_string(number.as_int64());
  if (number.is_uint64()) return std::to_string(number.as_uint64());
  if (!number.is_double()) return {};
  char buffer[32];
  const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, number.as_double());
  return ec == std::errc() ? std::string(buffer, end) : std::string();
}

std::string LocalIdOf(const std::string& entity_id, const std::string& entity_type,
                      const std::string& municipality_code) {
  const std::string prefix = "urn:ngsi-ld:" + entity_type + ":";
  std::string_view local(entity_id);
  if (local.starts_with(prefix)) local.remove_prefix(prefix.size());
  const std::string coded = municipality_code + "-";
  if (!municipality_code.empty() && local.starts_with(coded)) local.remove_prefix(coded.size());
  return std::string(local);
}

ExportRowRenderer::ExportRowRenderer(const DatasetLayout& layout, StandardColumns columns)
    : entity_type_(layout.entity_type), columns_(std::move(columns)) {
  for (const auto& column : columns_.header) {
    Binding binding;
    if (Names(layout.municipality_code_columns, column)) {
      binding.source = Source::kCode;
    } else if (!layout.id_columns.empty() && Names(layout.id_columns.front(), column)) {
      binding.source = Source::kLocalId;
    } else if (Names(layout.latitude_columns, column)) {
      binding.source = Source::kLatitude;
    } else if (Names(layout.longitude_columns, column)) {
      binding.source = Source::kLongitude;
    } else {
      auto rule = std::find_if(layout.columns.begin(), layout.columns.end(),
                               [&](const ColumnRule& r) { return Names(r.columns, column); });
      if (rule != layout.columns.end()) {
        binding.source = Source::kRule;
        binding.rule = *rule;
      }
    }
    bindings_.push_back(std::move(binding));
  }
}

std::string ExportRowRenderer::RenderRule(const ColumnRule& rule,
                                          const core::Entity& entity) const {
  const json::value* value = ValueOf(entity, rule.attribute);
  // The published text of a normalised date or time (RowMapper keeps it when it differs).
  if (!rule.original_attribute.empty()) {
    if (const json::value* original = ValueOf(entity, rule.original_attribute)) {
      return TextOf(original);
    }
  }
  if (value == nullptr) return {};
  switch (rule.kind) {
    case ValueKind::kFlag:
      if (!rule.list_value.empty()) {
        if (!value->is_array()) return {};
        const auto& items = value->as_array();
        const bool set = std::any_of(items.begin(), items.end(), [&](const json::value& item) {
          return item.is_string() && SameHazard(item.as_string(), rule.list_value);
        });
        return set ? columns_.flags.yes : std::string();
      }
      if (!value->is_bool()) return TextOf(value);
      return value->as_bool() ? columns_.flags.yes : columns_.flags.no;
    case ValueKind::kTimeRange: {
      const std::string end = TextOf(ValueOf(entity, rule.end_attribute));
      return TextOf(value) + "~" + end;
    }
    case ValueKind::kList: {
      if (!value->is_array()) return TextOf(value);
      std::string out;
      const std::string separator = rule.separator.empty() ? "," : rule.separator;
      for (const auto& item : value->as_array()) {
        if (!out.empty()) out += separator;
        out += TextOf(&item);
      }
      return out;
    }
    default:
      return TextOf(value);
  }
}

std::vector<std::string> ExportRowRenderer::Render(const core::Entity& entity) const {
  const std::string code = TextOf(ValueOf(entity, "municipalityCode"));
  const json::value* location = ValueOf(entity, "location");
  const json::array* point = nullptr;
  if (location != nullptr && location->is_object()) {
    const auto* coordinates = location->as_object().if_contains("coordinates");
    if (coordinates != nullptr && coordinates->is_array() && coordinates->as_array().size() >= 2 &&
        coordinates->as_array()[0].is_number() && coordinates->as_array()[1].is_number()) {
      point = &coordinates->as_array();
    }
  }
  std::vector<std::string> cells;
  cells.reserve(bindings_.size());
  for (const auto& binding : bindings_) {
    switch (binding.source) {
      case Source::kNone:
        cells.emplace_back();
        break;
      case Source::kCode:
        cells.push_back(code);
        break;
      case Source::kLocalId:
        cells.push_back(LocalIdOf(entity.id, entity_type_, code));
        break;
      case Source::kLatitude:
        cells.push_back(point ? Degrees((*point)[1].to_number<double>()) : std::string());
        break;
      case Source::kLongitude:
        cells.push_back(point ? Degrees((*point)[0].to_number<double>()) : std::string());
        break;
      case Source::kRule:
        cells.push_back(RenderRule(binding.rule, entity));
        break;
    }
  }
  return cells;
}

}  // namespace renkei::opendata
