// The shared entity model → NGSI-LD response payloads (ETSI GS CIM 009 v1.8 §4.5, §5.2.4):
// normalized, concise (§4.5.3.2) and keyValues/simplified (§4.5.3.3) forms, and GeoJSON
// Features (§4.5.16). Names are compacted with the request's @context (OutputName). Entities
// written through NGSIv2 render as LD: Relationship → Relationship (object), geo:* →
// GeoProperty with Orion's simple location types converted to GeoJSON, everything else a
// Property; metadata become sub-properties (docs/ngsild-mapping.md). Pure; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"

namespace renkei::api::ngsild {

enum class LdFormat { kNormalized, kConcise, kKeyValues };

// §4.21 with §4.5.23: what to show of the entities one relationship links to, from a nested
// selection (`locatedAt{name}` in pick or omit) when linked entities are retrieved.
struct LinkedSelection {
  std::string relationship;             // stored name
  std::vector<std::string> pick;        // stored names; empty: every member
  std::vector<std::string> omit;        // stored names
  std::vector<LinkedSelection> linked;  // the nested selections of their own relationships
};

struct LdRenderOptions {
  LdFormat format = LdFormat::kNormalized;
  bool sys_attrs = false;                // options=sysAttrs: createdAt / modifiedAt
  std::vector<std::string> pick;         // stored attribute names; empty: all (§4.21 pick/attrs)
  std::vector<std::string> omit;         // stored attribute names to leave out
  std::optional<std::string> lang;       // lang=: LanguageProperty rendered as one string
  std::string geoproperty = "location";  // stored name of the GeoJSON geometry (geo+json)
  // datasetId= (§4.5.5): only instances with one of these datasetIds (nullopt: the default
  // instance, written "@none"); unset: every instance.
  std::optional<std::vector<std::optional<std::string>>> dataset_ids;
  std::vector<LinkedSelection> linked;  // nested pick/omit per relationship (§4.21)
};

// Linked entity retrieval with join=inline (§4.5.23): the rendered entity (or, for a
// ListRelationship, the array of entities) a relationship instance links to; nullopt: none
// is shown. Empty function: no linked entities.
using InlineLinkedEntity = std::function<std::optional<boost::json::value>(const core::Attribute&)>;

// With `inline_linked`, each Relationship (ListRelationship) it answers for gets an `entity`
// (`entityList`) member; in keyValues the linked entity replaces the object.
// Whether `attribute` is shown under `options` (pick/omit, datasetId selection).
bool IsShown(const core::Attribute& attribute, const LdRenderOptions& options);

// Whether the rendering of `entity` has any member at all (§4.21: pick/omit may leave none).
bool ShowsAnyMember(const core::Entity& entity, const LdRenderOptions& options);

boost::json::object RenderLdEntity(const core::Entity& entity, const LdRenderOptions& options,
                                   const core::jsonld::ActiveContext& context,
                                   const InlineLinkedEntity& inline_linked = {});
// One attribute's instance (GET of an attribute, sub-attributes).
boost::json::value RenderLdAttribute(const core::Attribute& attribute,
                                     const LdRenderOptions& options,
                                     const core::jsonld::ActiveContext& context);
// A GeoJSON Feature of the entity (Accept: application/geo+json, §4.5.16): the geometry is
// the value of the GeoProperty options.geoproperty (null when the entity has none).
boost::json::object RenderGeoJsonFeature(const core::Entity& entity, const LdRenderOptions& options,
                                         const core::jsonld::ActiveContext& context,
                                         const InlineLinkedEntity& inline_linked = {});

}  // namespace renkei::api::ngsild
