// NGSI-LD request payloads (ETSI GS CIM 009 v1.8 §5.2, §4.5) → the shared entity model,
// normalized and concise forms alike (§4.5.3: a Property is given by "value", a
// Relationship by "object", a LanguageProperty by "languageMap", a VocabProperty by "vocab",
// a JsonProperty by "json", a ListProperty by "valueList", a ListRelationship by
// "objectList", a GeoProperty by a GeoJSON value; a bare value is a Property). Names and
// types are stored as StoredName gives them (ld_names.hpp); sub-attributes go to
// Attribute::metadata recursively; an array of instances is a multi-attribute.
//
// Errors: kBadRequestData ("BadRequestData"), with the offending member in the detail.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"
#include "service/ld_attribute_ops.hpp"

namespace renkei::api::ngsild {

// The `scope` member of an entity or fragment (§4.18): a scope string or an array of them,
// each "/" followed by non-empty segments separated by "/" (no "#", "+", ",", ";", "|",
// whitespace). Returns nullopt when the member is absent.
base::Result<std::optional<std::vector<std::string>>> ParseLdScope(const boost::json::object& o);

// The `type` member of an entity or fragment (§4.16, §5.2.4): a type name or a non-empty array
// of them, each expanding to an absolute IRI; stored names, repeated ones once.
base::Result<std::vector<std::string>> ParseLdTypes(const boost::json::value& type,
                                                    const core::jsonld::ActiveContext& context);

// Whether a fragment member is about the entity rather than an attribute: id, type, @context,
// scope, createdAt, modifiedAt.
bool IsEntityMember(std::string_view key);

// A whole entity (POST /entities, PUT /entities/{id}). With `require_id`, "id" must be
// present and a URI; "type" is always required.
base::Result<core::Entity> ParseLdEntity(const boost::json::value& body,
                                         const core::jsonld::ActiveContext& context,
                                         bool require_id);
// The attributes of an entity fragment (POST /attrs, batches): every member but id, type,
// @context, scope, createdAt, modifiedAt, each parsed by ParseLdWholeAttribute.
base::Result<std::vector<core::Attribute>> ParseLdFragment(
    const boost::json::object& fragment, const core::jsonld::ActiveContext& context);
// One attribute's instances (an array gives several); `stored_name` is already mapped.
base::Result<std::vector<core::Attribute>> ParseLdAttribute(
    std::string stored_name, const boost::json::value& json,
    const core::jsonld::ActiveContext& context);
// An attribute written whole (create, append, replace, batches): as ParseLdAttribute, but an
// instance that is the NGSI-LD Null (as for ParseLdMergeAttribute) is kBadRequestData (§5.2.1).
base::Result<std::vector<core::Attribute>> ParseLdWholeAttribute(
    std::string stored_name, const boost::json::value& json,
    const core::jsonld::ActiveContext& context);
// The attributes of an update fragment (PATCH /attrs, §5.6.2): complete instances, and those
// whose value is the NGSI-LD Null (as for ParseLdMergeAttribute) to be deleted.
base::Result<std::vector<service::LdInstanceUpdate>> ParseLdUpdateFragment(
    const boost::json::object& fragment, const core::jsonld::ActiveContext& context);
// A partial attribute update (PATCH /attrs/{attr}, §5.6.4): only the given members change; an
// NGSI-LD Null value (as for ParseLdMergeAttribute) deletes the instance named by datasetId.
base::Result<service::LdAttributePatch> ParseLdAttributePatch(
    std::string stored_name, const boost::json::value& json,
    const core::jsonld::ActiveContext& context);

// One instance addressed by a merge-patch fragment (§5.6.17); patch.attribute always carries
// the name and the datasetId (nullopt: the default instance).
struct LdMergeInstance {
  service::LdAttributePatch patch;       // the given members, for an existing instance, or
                                         // patch.remove for the NGSI-LD Null (§4.5.8)
  std::optional<core::Attribute> added;  // the complete instance, when it does not exist yet
};
// The instances of one attribute of a merge-patch fragment (an array addresses several by
// datasetId, §4.5.5). An instance is removed when its value member is "urn:ngsi-ld:null"
// (a bare string, value, object, vocab, json), ["urn:ngsi-ld:null"] (valueList, objectList)
// or {"@none": "urn:ngsi-ld:null"} (languageMap). kBadRequestData as ParseLdAttribute.
base::Result<std::vector<LdMergeInstance>> ParseLdMergeAttribute(
    std::string stored_name, const boost::json::value& json,
    const core::jsonld::ActiveContext& context);

// The NGSIv2 type string an LD-written attribute shows to NGSIv2 clients (what Orion would
// report for such a value): Relationship, geo:json, else by the JSON value: Number, Text,
// Boolean, StructuredValue (objects, arrays), None (null).
std::string V2TypeFor(core::AttributeKind kind, const boost::json::value& value);

}  // namespace renkei::api::ngsild
