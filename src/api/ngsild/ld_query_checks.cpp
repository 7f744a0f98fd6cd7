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

base::Result<void> CheckLdSelection(const LdSelectionParams& params) {
  if (!params.type && !params.attrs && !params.q && !params.georel && !params.scope_q &&
      !params.local) {
    return Bad("a query needs at least one of type, attrs, q or georel (or local=true)");
  }
  if (params.ids) {
    for (const auto& id : common::SplitCommaList(*params.ids)) {
      if (!core::jsonld::IsAbsoluteIri(id)) return Bad("id '" + id + "' is not a URI");
    }
  }
  if (params.id_pattern &&
      core::q::CompilePattern(*params.id_pattern, std::regex::ECMAScript) == nullptr) {
    return Bad("idPattern '" + std::string(*params.id_pattern) + "' is not a valid pattern");
  }
  if (params.attrs) {
    for (const auto& name : common::SplitCommaList(*params.attrs)) {
      // §4.21: attrs lists attributes; the entity members id and type are not attributes.
      if (name == "id" || name == "type" || name == "@id" || name == "@type") {
        return Bad("attrs: '" + name + "' is not an attribute name");
      }
    }
  }
  return base::Ok();
}

}  // namespace renkei::api::ngsild
