#include "api/ngsild/ld_payload_parser.hpp"

#include <algorithm>
#include <array>

#include <boost/json/serialize.hpp>

#include "api/ngsild/ld_names.hpp"
#include "core/geo/geometry.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using core::AttributeKind;

base::Unexpected Bad(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

// NGSI-LD 1.8 §4.5.3: the member that carries the value of each attribute type.
struct KindInfo {
  std::string_view type;
  std::string_view member;
  AttributeKind kind;
};
constexpr std::array<KindInfo, 8> kKinds{{
    {"Property", "value", AttributeKind::kProperty},
    {"Relationship", "object", AttributeKind::kRelationship},
    {"GeoProperty", "value", AttributeKind::kGeoProperty},
    {"LanguageProperty", "languageMap", AttributeKind::kLanguageProperty},
    {"VocabProperty", "vocab", AttributeKind::kVocabProperty},
    {"JsonProperty", "json", AttributeKind::kJsonProperty},
    {"ListProperty", "valueList", AttributeKind::kListProperty},
    {"ListRelationship", "objectList", AttributeKind::kListRelationship},
}};

// Members of an attribute that are not sub-attributes.
bool IsReservedMember(std::string_view key) {
  for (const auto& k : kKinds) {
    if (key == k.member) return true;
  }
  return key == "type" || key == "observedAt" || key == "unitCode" || key == "datasetId" ||
         key == "createdAt" || key == "modifiedAt" || key == "instanceId" || key == "lang" ||
         key == "@context";
}

bool LooksLikeGeoJson(const json::value& v) {
  const auto* o = v.if_object();
  if (o == nullptr || !o->contains("coordinates")) return false;
  const auto* t = o->if_contains("type");
  return t != nullptr && t->is_string();
}

const KindInfo* KindOf(const json::object& o) {
  if (const auto* t = o.if_contains("type"); t != nullptr && t->is_string()) {
    for (const auto& k : kKinds) {
      if (t->get_string() == k.type) return &k;
    }
    return nullptr;
  }
  // Concise form (§4.5.3.2): the value member tells the kind.
  for (const auto& k : kKinds) {
    if (k.type != "GeoProperty" && o.contains(k.member)) {
      if (k.kind == AttributeKind::kProperty && LooksLikeGeoJson(o.at("value"))) return &kKinds[2];
      return &k;
    }
  }
  return nullptr;
}

// VocabProperty values are IRIs, stored like names (§4.5.11).
json::value StoreVocab(const json::value& v, const core::jsonld::ActiveContext& context) {
  if (v.is_string()) return json::string(StoredName(context, v.get_string()));
  if (const auto* a = v.if_array()) {
    json::array out;
    for (const auto& e : *a) out.push_back(StoreVocab(e, context));
    return out;
  }
  return v;
}

base::Result<void> ReadMembers(core::Attribute& attr, const json::object& o,
                               const core::jsonld::ActiveContext& context) {
  if (const auto* v = o.if_contains("observedAt")) {
    auto t = v->is_string() ? base::ParseIso8601(v->get_string()) : std::nullopt;
    if (!t) return Bad("observedAt of " + attr.name + " is not a DateTime");
    attr.observed_at = *t;
  }
  if (const auto* v = o.if_contains("unitCode")) {
    if (!v->is_string()) return Bad("unitCode of " + attr.name + " is not a string");
    attr.unit_code = std::string(v->get_string());
  }
  if (const auto* v = o.if_contains("datasetId")) {
    if (!v->is_string() || !core::jsonld::IsAbsoluteIri(v->get_string())) {
      return Bad("datasetId of " + attr.name + " is not a URI");
    }
    attr.dataset_id = std::string(v->get_string());
  }
  for (const auto& [key, sub] : o) {
    if (IsReservedMember(key)) continue;
    RENKEI_TRY(auto instances, ParseLdAttribute(StoredName(context, key), sub, context));
    for (auto& i : instances) attr.metadata.push_back(std::move(i));
  }
  return base::Ok();
}

base::Result<core::Attribute> ParseInstance(std::string name, const json::value& json,
                                            const core::jsonld::ActiveContext& context,
                                            bool value_required, bool* value_given) {
  core::Attribute attr;
  attr.name = std::move(name);
  const auto* o = json.if_object();
  if (o == nullptr || LooksLikeGeoJson(json)) {
    // Concise (§4.5.3.2): a bare value is a Property value, a bare GeoJSON a GeoProperty's.
    if (json.is_null()) return Bad("attribute " + attr.name + " has a null value");
    attr.kind = LooksLikeGeoJson(json) ? AttributeKind::kGeoProperty : AttributeKind::kProperty;
    attr.value = json;
    if (value_given != nullptr) *value_given = true;
  } else {
    const KindInfo* kind = KindOf(*o);
    if (kind == nullptr) {
      if (o->contains("type")) return Bad("attribute " + attr.name + " has an unknown type");
      if (value_required) return Bad("attribute " + attr.name + " has no value");
    } else {
      attr.kind = kind->kind;
      const auto* v = o->if_contains(kind->member);
      if (v == nullptr || v->is_null()) {
        if (value_required) {
          return Bad("attribute " + attr.name + " has no " + std::string(kind->member));
        }
      } else {
        if (value_given != nullptr) *value_given = true;
        attr.value = attr.kind == AttributeKind::kVocabProperty ? StoreVocab(*v, context) : *v;
      }
    }
    RENKEI_TRY_VOID(ReadMembers(attr, *o, context));
  }
  if (attr.kind == AttributeKind::kGeoProperty && !attr.value.is_null()) {
    if (auto g = core::geo::ParseGeoJson(attr.value); !g) {
      return Bad("attribute " + attr.name + ": invalid GeoJSON: " + g.error().detail);
    }
  }
  if (attr.kind == AttributeKind::kRelationship) {
    const auto& v = attr.value;
    if (!v.is_null() && !(v.is_string() && core::jsonld::IsAbsoluteIri(v.get_string())) &&
        !v.is_array()) {
      return Bad("relationship " + attr.name + " has an object that is not a URI");
    }
  }
  if (attr.kind == AttributeKind::kLanguageProperty && !attr.value.is_null() &&
      !attr.value.is_object()) {
    return Bad("languageMap of " + attr.name + " is not an object");
  }
  attr.type = V2TypeFor(attr.kind, attr.value);
  return attr;
}

}  // namespace

std::string V2TypeFor(AttributeKind kind, const json::value& value) {
  if (kind == AttributeKind::kRelationship) return "Relationship";
  if (kind == AttributeKind::kGeoProperty) return "geo:json";
  if (value.is_number()) return "Number";
  if (value.is_string()) return "Text";
  if (value.is_bool()) return "Boolean";
  if (value.is_null()) return "None";
  return "StructuredValue";
}

namespace {

// The instances of one attribute member: the elements of an array of attribute objects (a
// multi-attribute, §4.5.5), else the member itself.
std::vector<const json::value*> InstancesOf(const json::value& json) {
  std::vector<const json::value*> out;
  if (const auto* a = json.if_array(); a != nullptr && !a->empty() && (*a)[0].is_object() &&
                                       KindOf((*a)[0].get_object()) != nullptr) {
    for (const auto& item : *a) out.push_back(&item);
  } else {
    out.push_back(&json);
  }
  return out;
}

// §4.5.5: the instances of one attribute differ by datasetId.
template <typename Instance, typename DatasetOf>
base::Result<void> CheckDistinctDatasets(const std::vector<Instance>& instances,
                                         DatasetOf dataset_of, const std::string& name) {
  for (std::size_t i = 0; i < instances.size(); ++i) {
    for (std::size_t j = 0; j < i; ++j) {
      if (dataset_of(instances[i]) == dataset_of(instances[j])) {
        return Bad("attribute " + name + " has two instances with the same datasetId");
      }
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<std::vector<core::Attribute>> ParseLdAttribute(
    std::string stored_name, const json::value& json, const core::jsonld::ActiveContext& context) {
  std::vector<core::Attribute> out;
  for (const auto* instance : InstancesOf(json)) {
    RENKEI_TRY(auto attr, ParseInstance(stored_name, *instance, context, true, nullptr));
    out.push_back(std::move(attr));
  }
  RENKEI_TRY_VOID(CheckDistinctDatasets(
      out, [](const core::Attribute& a) { return a.dataset_id; }, stored_name));
  return out;
}

namespace {

// NGSI-LD 1.8 §4.5.8: the NGSI-LD Null placeholder.
constexpr std::string_view kLdNull = "urn:ngsi-ld:null";

bool IsLdNull(const json::value& v) { return v.is_string() && v.get_string() == kLdNull; }

// §4.5.8 (Table 4.5.8-1): the NGSI-LD Null of each attribute type's value member.
bool IsNullInstance(const json::value& json) {
  if (IsLdNull(json)) return true;
  const auto* o = json.if_object();
  const KindInfo* kind = o != nullptr ? KindOf(*o) : nullptr;
  if (kind == nullptr) return false;
  const auto* v = o->if_contains(kind->member);
  if (v == nullptr) return false;
  if (IsLdNull(*v)) return true;
  if (const auto* a = v->if_array()) return a->size() == 1 && IsLdNull((*a)[0]);
  if (const auto* m = v->if_object();
      m != nullptr && kind->kind == AttributeKind::kLanguageProperty) {
    const auto* none = m->if_contains("@none");
    return m->size() == 1 && none != nullptr && IsLdNull(*none);
  }
  return false;
}

// The instance an NGSI-LD Null addresses: its name and datasetId (§4.5.5); nothing else of
// the payload matters.
base::Result<core::Attribute> NullInstance(const std::string& name, const json::value& json,
                                           const core::jsonld::ActiveContext& context) {
  core::Attribute addressed;
  addressed.name = name;
  if (const auto* o = json.if_object()) {
    json::object members;
    if (const auto* d = o->if_contains("datasetId")) members["datasetId"] = *d;
    RENKEI_TRY_VOID(ReadMembers(addressed, members, context));
  }
  return addressed;
}

}  // namespace

base::Result<std::vector<core::Attribute>> ParseLdWholeAttribute(
    std::string stored_name, const json::value& json, const core::jsonld::ActiveContext& context) {
  // §5.2.1: the NGSI-LD Null removes a member only in a partial update (§5.5.8) or a merge
  // (§5.5.12); anywhere else it is BadRequestData rather than a value to store.
  for (const auto* instance : InstancesOf(json)) {
    if (IsNullInstance(*instance)) {
      return Bad("attribute " + stored_name +
                 " is the NGSI-LD Null, which only a partial update or a merge accepts");
    }
  }
  return ParseLdAttribute(std::move(stored_name), json, context);
}

base::Result<service::LdAttributePatch> ParseLdAttributePatch(
    std::string stored_name, const json::value& json, const core::jsonld::ActiveContext& context) {
  service::LdAttributePatch patch;
  if (IsNullInstance(json)) {
    patch.remove = true;
    RENKEI_TRY(patch.attribute, NullInstance(stored_name, json, context));
    return patch;
  }
  RENKEI_TRY(patch.attribute,
             ParseInstance(std::move(stored_name), json, context, false, &patch.value_given));
  const auto* o = json.if_object();
  patch.type_given = o != nullptr && !LooksLikeGeoJson(json) && o->contains("type");
  return patch;
}

namespace {

// One attribute member of an update fragment (§5.6.2): its instances, NGSI-LD Nulls marked.
base::Result<std::vector<service::LdInstanceUpdate>> ParseLdUpdateAttribute(
    std::string stored_name, const json::value& json, const core::jsonld::ActiveContext& context) {
  std::vector<service::LdInstanceUpdate> out;
  for (const auto* instance : InstancesOf(json)) {
    service::LdInstanceUpdate update;
    update.remove = IsNullInstance(*instance);
    RENKEI_TRY(update.attribute,
               update.remove ? NullInstance(stored_name, *instance, context)
                             : ParseInstance(stored_name, *instance, context, true, nullptr));
    out.push_back(std::move(update));
  }
  RENKEI_TRY_VOID(CheckDistinctDatasets(
      out, [](const service::LdInstanceUpdate& u) { return u.attribute.dataset_id; }, stored_name));
  return out;
}

}  // namespace

base::Result<std::vector<LdMergeInstance>> ParseLdMergeAttribute(
    std::string stored_name, const json::value& json, const core::jsonld::ActiveContext& context) {
  std::vector<LdMergeInstance> out;
  for (const auto* instance : InstancesOf(json)) {
    LdMergeInstance merge;
    RENKEI_TRY(merge.patch, ParseLdAttributePatch(stored_name, *instance, context));
    // Unlike a partial attribute update (§5.6.4), merge-patch (§5.6.17) takes the given type.
    merge.patch.type_given = false;
    if (!merge.patch.remove) {
      RENKEI_TRY(merge.added, ParseInstance(stored_name, *instance, context, true, nullptr));
    }
    out.push_back(std::move(merge));
  }
  RENKEI_TRY_VOID(CheckDistinctDatasets(
      out, [](const LdMergeInstance& m) { return m.patch.attribute.dataset_id; }, stored_name));
  return out;
}

bool IsEntityMember(std::string_view key) {
  return key == "id" || key == "type" || key == "@context" || key == "scope" ||
         key == "createdAt" || key == "modifiedAt";
}

namespace {

// The instances of every attribute member of `fragment`, each member parsed by `parse`
// (name, value, context) into a vector of instances.
template <typename Instance, typename ParseMember>
base::Result<std::vector<Instance>> ParseAttributeMembers(
    const json::object& fragment, const core::jsonld::ActiveContext& context, ParseMember parse) {
  std::vector<Instance> out;
  for (const auto& [key, value] : fragment) {
    if (IsEntityMember(key)) continue;
    RENKEI_TRY(auto instances, parse(StoredName(context, key), value, context));
    for (auto& i : instances) out.push_back(std::move(i));
  }
  return out;
}

}  // namespace

base::Result<std::vector<core::Attribute>> ParseLdFragment(
    const json::object& fragment, const core::jsonld::ActiveContext& context) {
  return ParseAttributeMembers<core::Attribute>(fragment, context, ParseLdWholeAttribute);
}

base::Result<std::vector<service::LdInstanceUpdate>> ParseLdUpdateFragment(
    const json::object& fragment, const core::jsonld::ActiveContext& context) {
  return ParseAttributeMembers<service::LdInstanceUpdate>(fragment, context,
                                                          ParseLdUpdateAttribute);
}

namespace {

bool IsValidScope(std::string_view scope) {
  if (scope.size() < 2 || scope.front() != '/' || scope.back() == '/') return false;
  char previous = '\0';
  for (char c : scope) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) return false;
    if (c == '#' || c == '+' || c == ',' || c == ';' || c == '|') return false;
    if (c == '/' && previous == '/') return false;  // empty segment
    previous = c;
  }
  return true;
}

}  // namespace

base::Result<std::optional<std::vector<std::string>>> ParseLdScope(const json::object& o) {
  const auto* scope = o.if_contains("scope");
  if (scope == nullptr) return std::optional<std::vector<std::string>>();
  std::vector<std::string> scopes;
  auto add = [&scopes](const json::value& v) -> base::Result<void> {
    if (!v.is_string() || !IsValidScope(v.get_string())) {
      return Bad("scope " + json::serialize(v) + " is not a scope (\"/\" and path segments)");
    }
    std::string text(v.get_string());
    if (std::find(scopes.begin(), scopes.end(), text) == scopes.end()) {
      scopes.push_back(std::move(text));
    }
    return base::Ok();
  };
  if (const auto* a = scope->if_array()) {
    for (const auto& v : *a) RENKEI_TRY_VOID(add(v));
  } else {
    RENKEI_TRY_VOID(add(*scope));
  }
  return std::optional<std::vector<std::string>>(std::move(scopes));
}

base::Result<std::vector<std::string>> ParseLdTypes(const json::value& type,
                                                    const core::jsonld::ActiveContext& context) {
  std::vector<std::string> types;
  auto add_type = [&](const json::value& t) -> base::Result<void> {
    if (!t.is_string() || t.get_string().empty()) return Bad("entity type is not a string");
    // NGSI-LD 1.8 §4.6.2, §5.2.4: a type is a name expanding to an IRI; a keyword or a keyword
    // alias ("type" is "@type" in the core @context) is not one.
    const auto expanded = core::jsonld::ExpandIri(context, t.get_string());
    if (!expanded || !core::jsonld::IsAbsoluteIri(*expanded)) {
      return Bad("entity type " + std::string(t.get_string()) + " is not a valid type name");
    }
    std::string stored = StoredName(context, t.get_string());
    if (std::find(types.begin(), types.end(), stored) == types.end()) {
      types.push_back(std::move(stored));
    }
    return base::Ok();
  };
  if (const auto* a = type.if_array()) {
    if (a->empty()) return Bad("entity type is empty");
    for (const auto& t : *a) RENKEI_TRY_VOID(add_type(t));
  } else {
    RENKEI_TRY_VOID(add_type(type));
  }
  return types;
}

base::Result<core::Entity> ParseLdEntity(const json::value& body,
                                         const core::jsonld::ActiveContext& context,
                                         bool require_id) {
  const auto* o = body.if_object();
  if (o == nullptr) return Bad("the entity must be a JSON object");
  core::Entity entity;
  if (const auto* id = o->if_contains("id")) {
    // NGSI-LD 1.8 §4.5.1: the entity id is a URI.
    if (!id->is_string() || !core::jsonld::IsAbsoluteIri(id->get_string())) {
      return Bad("entity id is not a URI");
    }
    entity.id = std::string(id->get_string());
  } else if (require_id) {
    return Bad("entity id is missing");
  }
  const auto* type = o->if_contains("type");
  if (type == nullptr) return Bad("entity type is missing");
  RENKEI_TRY(entity.types, ParseLdTypes(*type, context));
  RENKEI_TRY(auto scopes, ParseLdScope(*o));
  if (scopes) entity.scopes = std::move(*scopes);
  RENKEI_TRY(entity.attributes, ParseLdFragment(*o, context));
  return entity;
}

}  // namespace renkei::api::ngsild
