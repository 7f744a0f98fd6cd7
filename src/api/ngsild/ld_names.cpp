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

}  // namespace renkei::api::ngsild
