#include "api/ngsiv2/entity_renderer.hpp"

#include <algorithm>

namespace renkei::api::ngsiv2 {
namespace json = boost::json;
namespace {

bool Contains(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

core::Attribute DateTimeAttribute(std::string name, base::Timestamp t) {
  core::Attribute a;
  a.name = std::move(name);
  a.type = "DateTime";
  a.value = json::string(base::FormatIso8601(t));
  return a;
}

json::object RenderMetadata(const core::Attribute& attr, const RenderOptions& options) {
  json::object md;
  const bool all_user = options.metadata.empty() || Contains(options.metadata, "*");
  for (const auto& m : attr.metadata) {
    if (!all_user && !Contains(options.metadata, m.name)) continue;
    md[m.name] = json::object{{"type", m.type}, {"value", m.value}};
  }
  // Builtin metadata: only when asked for, and a user metadata of the same name wins.
  for (const char* builtin : {"dateCreated", "dateModified"}) {
    const bool wanted = Contains(options.metadata, builtin) || options.sys_attrs;
    if (!wanted || md.contains(builtin)) continue;
    const base::Timestamp t =
        std::string_view(builtin) == "dateCreated" ? attr.created_at : attr.modified_at;
    if (t.millis == 0) continue;
    md[builtin] = json::object{{"type", "DateTime"}, {"value", base::FormatIso8601(t)}};
  }
  return md;
}

// The attributes to render, in rendering order.
std::vector<core::Attribute> Select(const core::Entity& entity, const RenderOptions& options) {
  std::vector<core::Attribute> out;
  const bool all_user = options.attrs.empty() || Contains(options.attrs, "*");
  if (!options.attrs.empty() && !all_user) {
    // Explicit list: the requested order (Orion renders attrs=... in that order).
    for (const auto& name : options.attrs) {
      if (const auto* a = entity.Find(name)) {
        out.push_back(*a);
      } else if (auto b = BuiltinAttribute(entity, name)) {
        out.push_back(std::move(*b));
      }
    }
    return out;
  }
  // Orion renders attributes ordered by name (e.g. options=values, test v2_render_modes).
  out = entity.attributes;
  std::stable_sort(out.begin(), out.end(), [](const core::Attribute& a, const core::Attribute& b) {
    return a.name < b.name;
  });
  std::vector<std::string> builtins;
  if (options.sys_attrs) builtins = {"dateCreated", "dateModified"};
  for (const auto& name : options.attrs) {
    if (name != "*" && !Contains(builtins, name)) builtins.push_back(name);
  }
  for (const auto& name : builtins) {
    if (entity.Find(name) != nullptr) continue;
    if (auto b = BuiltinAttribute(entity, name)) out.push_back(std::move(*b));
  }
  return out;
}

}  // namespace

std::optional<core::Attribute> BuiltinAttribute(const core::Entity& entity,
                                                const std::string& name) {
  if (name == "dateCreated") return DateTimeAttribute(name, entity.created_at);
  if (name == "dateModified") return DateTimeAttribute(name, entity.modified_at);
  if (name == "dateExpires" && entity.expires_at) {
    return DateTimeAttribute(name, *entity.expires_at);
  }
  if (name == "servicePath") {
    core::Attribute a;
    a.name = name;
    a.type = "Text";
    a.value = json::string(entity.service_path);
    return a;
  }
  return std::nullopt;
}

// A geo:json location given as a GeoJSON Feature or single-Feature FeatureCollection is
// stored whole but rendered as its geometry (Orion API manual "GeoJSON").
static const json::value& RenderedValue(const core::Attribute& attribute) {
  if (attribute.kind != core::AttributeKind::kGeoProperty || !attribute.value.is_object()) {
    return attribute.value;
  }
  const auto& o = attribute.value.get_object();
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_string()) return attribute.value;
  if (type->get_string() == "Feature") {
    if (const auto* g = o.if_contains("geometry")) return *g;
  } else if (type->get_string() == "FeatureCollection") {
    const auto* features = o.if_contains("features");
    if (features != nullptr && features->is_array() && !features->get_array().empty() &&
        features->get_array()[0].is_object()) {
      if (const auto* g = features->get_array()[0].get_object().if_contains("geometry")) return *g;
    }
  }
  return attribute.value;
}

json::value RenderAttribute(const core::Attribute& attribute, const RenderOptions& options) {
  return json::object{{"type", attribute.type},
                      {"value", RenderedValue(attribute)},
                      {"metadata", RenderMetadata(attribute, options)}};
}

json::value RenderAttributes(const core::Entity& entity, const RenderOptions& options) {
  const auto attrs = Select(entity, options);
  if (options.format == RenderFormat::kValues || options.format == RenderFormat::kUnique) {
    json::array values;
    for (const auto& a : attrs) {
      const json::value& v = RenderedValue(a);
      if (options.format == RenderFormat::kUnique &&
          std::find(values.begin(), values.end(), v) != values.end()) {
        continue;
      }
      values.push_back(v);
    }
    return values;
  }
  json::object out;
  for (const auto& a : attrs) {
    out[a.name] =
        options.format == RenderFormat::kKeyValues ? RenderedValue(a) : RenderAttribute(a, options);
  }
  return out;
}

json::value RenderEntity(const core::Entity& entity, const RenderOptions& options) {
  json::value attrs = RenderAttributes(entity, options);
  if (attrs.is_array()) return attrs;
  json::object out;
  out.reserve(attrs.get_object().size() + 2);
  out["id"] = entity.id;
  out["type"] = entity.PrimaryType();
  for (auto& kv : attrs.get_object()) out[kv.key()] = std::move(kv.value());
  return out;
}

}  // namespace renkei::api::ngsiv2
