#include "api/ngsild/ld_query_checks.hpp"

#include <regex>
#include <string>

#include "api/common/request_parts.hpp"
#include "core/jsonld/iri.hpp"
#include "core/q/pattern.hpp"

namespace renkei::api::ngsild {
namespace {

base::Unexpected Bad(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

}  // namespace

base::Result<void> CheckLdSelection(const LdQueryTerms& terms) {
  bool has_type = false;
  bool has_ids = false;
  for (const auto& selection : terms.entities) {
    has_type = has_type || selection.type.has_value();
    has_ids = has_ids || selection.ids.has_value();
  }
  const bool selects_entities = has_type || (terms.ids_suffice && has_ids);
  if (!selects_entities && !terms.attrs && !terms.q && !terms.georel && !terms.scope_q &&
      !terms.local) {
    return Bad("a query needs at least one of type, attrs, q or georel (or local=true)");
  }
  for (const auto& selection : terms.entities) {
    if (selection.ids) {
      for (const auto& id : common::SplitCommaList(*selection.ids)) {
        if (!core::jsonld::IsAbsoluteIri(id)) return Bad("id '" + id + "' is not a URI");
      }
    }
    if (selection.id_pattern &&
        core::q::CompilePattern(*selection.id_pattern, std::regex::ECMAScript) == nullptr) {
      return Bad("idPattern '" + *selection.id_pattern + "' is not a valid pattern");
    }
  }
  if (terms.attrs) {
    for (const auto& name : common::SplitCommaList(*terms.attrs)) {
      // §4.21: attrs lists attributes; the entity members id and type are not attributes.
      if (name == "id" || name == "type" || name == "@id" || name == "@type") {
        return Bad("attrs: '" + name + "' is not an attribute name");
      }
    }
  }
  return base::Ok();
}

}  // namespace renkei::api::ngsild
