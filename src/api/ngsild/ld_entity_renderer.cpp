#include "api/ngsild/ld_entity_renderer.hpp"

#include <algorithm>

#include "api/ngsild/ld_names.hpp"
#include "core/geo/geometry.hpp"
#include "core/jsonld/core_context.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using core::AttributeKind;

json::array PositionsJson(const std::vector<core::geo::Position>& positions) {
  json::array out;
  for (const auto& p : positions) out.push_back(json::array{p.lon, p.lat});
  return out;
}

// Orion's simple location types (geo:point "lat, lon", geo:line, geo:box, geo:polygon) as
// the GeoJSON NGSI-LD requires (§4.7); geo:json values are shown as their geometry.
json::value GeoJsonValue(const core::Attribute& a) {
  if (a.value.is_null() || a.type.empty() || a.type == "geo:json") {
    if (const auto* o = a.value.if_object(); o != nullptr && o->contains("geometry")) {
      return o->at("geometry");
    }
    return a.value;
  }
  auto g = core::geo::ParseV2GeoAttribute(a.type, a.value);
  if (!g) return a.value;
  using Kind = core::geo::Geometry::Kind;
  json::object out;
  if (g->kind == Kind::kPoint) {
    const auto& p = g->parts.at(0).at(0);
    out["type"] = "Point";
    out["coordinates"] = json::array{p.lon, p.lat};
  } else if (g->kind == Kind::kLineString) {
    out["type"] = "LineString";
    out["coordinates"] = PositionsJson(g->parts.at(0));
  } else {
    json::array rings;
    for (const auto& ring : g->parts) rings.push_back(PositionsJson(ring));
    out["type"] = "Polygon";
    out["coordinates"] = std::move(rings);
  }
  return out;
}

json::value VocabOut(const json::value& v, const core::jsonld::ActiveContext& context) {
  if (v.is_string()) return json::string(OutputName(context, v.get_string()));
  if (const auto* a = v.if_array()) {
    json::array out;
    for (const auto& e : *a) out.push_back(VocabOut(e, context));
    return out;
  }
  return v;
}

// The value member's name and content for each kind (§4.5.3), and the `lang` rendering of
// a LanguageProperty (§4.15: a Property with the chosen string and its "lang").
struct ValuePart {
  std::string_view type;
  std::string_view member;
  json::value value;
  std::optional<std::string> lang;
};

ValuePart ValueOf(const core::Attribute& a, const LdRenderOptions& options,
                  const core::jsonld::ActiveContext& context) {
  switch (a.kind) {
    case AttributeKind::kRelationship:
      return {"Relationship", "object", a.value, {}};
    case AttributeKind::kGeoProperty:
      return {"GeoProperty", "value", GeoJsonValue(a), {}};
    case AttributeKind::kLanguageProperty: {
      const auto* map = a.value.if_object();
      if (options.lang && map != nullptr && !map->empty()) {
        const auto* s = map->if_contains(*options.lang);
        std::string tag = s != nullptr ? *options.lang : std::string(map->begin()->key());
        if (s == nullptr) s = map->if_contains("@none");
        if (s == nullptr) s = &map->begin()->value();
        return {"Property", "value", *s, tag};
      }
      return {"LanguageProperty", "languageMap", a.value, {}};
    }
    case AttributeKind::kVocabProperty:
      return {"VocabProperty", "vocab", VocabOut(a.value, context), {}};
    case AttributeKind::kJsonProperty:
      return {"JsonProperty", "json", a.value, {}};
    case AttributeKind::kListProperty:
      return {"ListProperty", "valueList", a.value, {}};
    case AttributeKind::kListRelationship:
      return {"ListRelationship", "objectList", a.value, {}};
    case AttributeKind::kProperty:
      break;
  }
  return {"Property", "value", a.value, {}};
}

bool Selected(const std::string& name, const LdRenderOptions& options) {
  if (!options.pick.empty() &&
      std::find(options.pick.begin(), options.pick.end(), name) == options.pick.end()) {
    return false;
  }
  return std::find(options.omit.begin(), options.omit.end(), name) == options.omit.end();
}

bool DatasetSelected(const core::Attribute& a, const LdRenderOptions& options) {
  if (!options.dataset_ids) return true;
  const auto& ids = *options.dataset_ids;
  return std::find(ids.begin(), ids.end(), a.dataset_id) != ids.end();
}

void PutTypes(json::object& out, const core::Entity& entity,
              const core::jsonld::ActiveContext& context) {
  if (entity.types.size() == 1) {
    out["type"] = OutputName(context, entity.types.front());
    return;
  }
  json::array types;
  for (const auto& t : entity.types) types.push_back(json::string(OutputName(context, t)));
  out["type"] = std::move(types);
}

// Adds the rendering of `a` under its name; several instances form an array (§4.5.5).
void AddInstance(json::object& out, const std::string& key, json::value rendered) {
  auto it = out.find(key);
  if (it == out.end()) {
    out.emplace(key, std::move(rendered));
  } else if (auto* arr = it->value().if_array()) {
    arr->push_back(std::move(rendered));
  } else {
    it->value() = json::array{std::move(it->value()), std::move(rendered)};
  }
}

// §4.5.4: in the simplified (keyValues) form a multi-attribute (§4.5.5) is not an array of
// bare values, which would lose which value belongs to which instance, but an object whose
// "dataset" member maps each instance's datasetId ("@none" for the default instance) to its
// simplified value.
void AddSimplifiedInstance(json::object& out, const std::string& key, const core::Attribute& a,
                           json::value rendered) {
  json::value& holder = out[key];
  if (!holder.is_object()) holder = json::object{{"dataset", json::object{}}};
  holder.get_object()["dataset"].get_object().insert_or_assign(
      a.dataset_id ? *a.dataset_id : std::string("@none"), std::move(rendered));
}

// How many instances of the attribute named `name` the rendering shows.
std::size_t ShownInstances(const core::Entity& entity, const std::string& name,
                           const LdRenderOptions& options) {
  return static_cast<std::size_t>(std::count_if(
      entity.attributes.begin(), entity.attributes.end(),
      [&](const core::Attribute& a) { return a.name == name && IsShown(a, options); }));
}

// §4.5.23: a relationship shows the entity it links to beside its object (`entity`, or
// `entityList` for a ListRelationship); in keyValues the entity takes the object's place.
json::value WithLinkedEntity(const core::Attribute& a, json::value rendered, json::value linked,
                             LdFormat format) {
  if (format == LdFormat::kKeyValues) return linked;
  if (auto* o = rendered.if_object()) {
    o->emplace(a.kind == AttributeKind::kListRelationship ? "entityList" : "entity",
               std::move(linked));
  }
  return rendered;
}

}  // namespace

json::value RenderLdAttribute(const core::Attribute& a, const LdRenderOptions& options,
                              const core::jsonld::ActiveContext& context) {
  ValuePart part = ValueOf(a, options, context);
  if (options.format == LdFormat::kKeyValues) {
    // §4.5.3.3: the value alone; a LanguageProperty shows its map (or the picked string).
    return std::move(part.value);
  }
  const bool has_members = !a.metadata.empty() || a.observed_at || a.unit_code || a.dataset_id ||
                           options.sys_attrs || part.lang;
  if (options.format == LdFormat::kConcise && !has_members &&
      (part.type == "Property" || part.type == "GeoProperty")) {
    return std::move(part.value);  // §4.5.3.2: a bare value
  }
  json::object out;
  if (options.format == LdFormat::kNormalized) out["type"] = part.type;
  out[part.member] = std::move(part.value);
  if (part.lang) out["lang"] = *part.lang;
  if (a.observed_at) out["observedAt"] = base::FormatIso8601(*a.observed_at);
  if (a.unit_code) out["unitCode"] = *a.unit_code;
  if (a.dataset_id) out["datasetId"] = *a.dataset_id;
  if (options.sys_attrs) {
    out["createdAt"] = base::FormatIso8601(a.created_at);
    out["modifiedAt"] = base::FormatIso8601(a.modified_at);
  }
  LdRenderOptions sub = options;
  sub.pick.clear();
  sub.omit.clear();
  for (const auto& m : a.metadata) {
    AddInstance(out, OutputName(context, m.name), RenderLdAttribute(m, sub, context));
  }
  return out;
}

bool IsShown(const core::Attribute& attribute, const LdRenderOptions& options) {
  return Selected(attribute.name, options) && DatasetSelected(attribute, options);
}

bool ShowsAnyMember(const core::Entity& entity, const LdRenderOptions& options) {
  if (Selected("id", options) || Selected("type", options)) return true;
  if (!entity.scopes.empty() && Selected("scope", options)) return true;
  if (options.sys_attrs) return true;  // createdAt and modifiedAt are always shown
  return std::any_of(entity.attributes.begin(), entity.attributes.end(),
                     [&](const core::Attribute& a) { return IsShown(a, options); });
}

json::object RenderLdEntity(const core::Entity& entity, const LdRenderOptions& options,
                            const core::jsonld::ActiveContext& context,
                            const InlineLinkedEntity& inline_linked) {
  json::object out;
  if (Selected("id", options)) out["id"] = entity.id;
  if (Selected("type", options)) PutTypes(out, entity, context);
  // §4.18: one scope as a string, several as an array (every format).
  if (!entity.scopes.empty() && Selected("scope", options)) {
    if (entity.scopes.size() == 1) {
      out["scope"] = entity.scopes.front();
    } else {
      json::array scopes;
      for (const auto& sc : entity.scopes) scopes.emplace_back(sc);
      out["scope"] = std::move(scopes);
    }
  }
  if (options.sys_attrs) {
    out["createdAt"] = base::FormatIso8601(entity.created_at);
    out["modifiedAt"] = base::FormatIso8601(entity.modified_at);
  }
  for (const auto& a : entity.attributes) {
    if (!IsShown(a, options)) continue;
    json::value rendered = RenderLdAttribute(a, options, context);
    const bool links =
        a.kind == AttributeKind::kRelationship || a.kind == AttributeKind::kListRelationship;
    if (links && inline_linked) {
      if (auto linked = inline_linked(a)) {
        rendered = WithLinkedEntity(a, std::move(rendered), std::move(*linked), options.format);
      }
    }
    const std::string key = OutputName(context, a.name);
    if (options.format == LdFormat::kKeyValues && ShownInstances(entity, a.name, options) > 1) {
      AddSimplifiedInstance(out, key, a, std::move(rendered));
    } else {
      AddInstance(out, key, std::move(rendered));
    }
  }
  return out;
}

json::object RenderGeoJsonFeature(const core::Entity& entity, const LdRenderOptions& options,
                                  const core::jsonld::ActiveContext& context,
                                  const InlineLinkedEntity& inline_linked) {
  json::object feature;
  feature["id"] = entity.id;
  feature["type"] = "Feature";
  json::value geometry = nullptr;
  for (const auto& a : entity.attributes) {
    if (a.name == options.geoproperty && a.kind == AttributeKind::kGeoProperty) {
      geometry = GeoJsonValue(a);
      break;
    }
  }
  feature["geometry"] = std::move(geometry);
  feature["properties"] = RenderLdEntity(entity, options, context, inline_linked);
  feature["properties"].get_object().erase("id");
  return feature;
}

}  // namespace renkei::api::ngsild
