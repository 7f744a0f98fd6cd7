// The shared entity model → NGSI-LD response payloads (ETSI GS CIM 009 v1.8 §4.5, §5.2.4):
// normalized, concise (§4.5.3.2) and keyValues/simplified (§4.5.3.3) forms, and GeoJSON
// Features (§4.5.16). Names are compacted with the request's @context (OutputName). Entities
// written through NGSIv2 render as LD: Relationship → Relationship (object), geo:* →
// GeoProperty with Orion's simple location types converted to GeoJSON, everything else a
// Property; metadata become sub-properties (docs/ngsild-mapping.md). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"

namespace renkei::api::ngsild {

enum class LdFormat { kNormalized, kConcise, kKeyValues };

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
};

boost::json::object RenderLdEntity(const core::Entity& entity, const LdRenderOptions& options,
                                   const core::jsonld::ActiveContext& context);
// One attribute's instance (GET of an attribute, sub-attributes).
boost::json::value RenderLdAttribute(const core::Attribute& attribute,
                                     const LdRenderOptions& options,
                                     const core::jsonld::ActiveContext& context);
// A GeoJSON Feature of the entity (Accept: application/geo+json, §4.5.16).
boost::json::object RenderGeoJsonFeature(const core::Entity& entity, const LdRenderOptions& options,
                                         const core::jsonld::ActiveContext& context);

}  // namespace renkei::api::ngsild
