#include "api/ngsild/ld_names.hpp"

#include "core/jsonld/core_context.hpp"
#include "core/jsonld/iri.hpp"

namespace renkei::api::ngsild {

namespace jsonld = core::jsonld;

std::string StoredName(const jsonld::ActiveContext& request_context, std::string_view term) {
  const auto core = jsonld::MakeCoreContext();
  auto expanded = jsonld::ExpandIri(request_context, term);
  if (!expanded) return std::string(term);
  return jsonld::CompactIri(*core, *expanded);
}

std::string OutputName(const jsonld::ActiveContext& request_context, std::string_view stored) {
  const auto core = jsonld::MakeCoreContext();
  auto expanded = jsonld::ExpandIri(*core, stored);
  if (!expanded) return std::string(stored);
  return jsonld::CompactIri(request_context, *expanded);
}

std::string ExpandedName(std::string_view stored) {
  const auto core = jsonld::MakeCoreContext();
  auto expanded = jsonld::ExpandIri(*core, stored);
  return expanded ? *expanded : std::string(stored);
}

std::string_view AttributeTypeName(core::AttributeKind kind) {
  using core::AttributeKind;
  switch (kind) {
    case AttributeKind::kRelationship:
      return "Relationship";
    case AttributeKind::kGeoProperty:
      return "GeoProperty";
    case AttributeKind::kLanguageProperty:
      return "LanguageProperty";
    case AttributeKind::kVocabProperty:
      return "VocabProperty";
    case AttributeKind::kJsonProperty:
      return "JsonProperty";
    case AttributeKind::kListProperty:
      return "ListProperty";
    case AttributeKind::kListRelationship:
      return "ListRelationship";
    case AttributeKind::kProperty:
      break;
  }
  return "Property";
}

}  // namespace renkei::api::ngsild
