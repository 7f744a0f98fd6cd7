// GET /ngsi-ld/v1/entities parameters (ETSI GS CIM 009 v1.8 §6.4.3.2, §4.9 q, §4.10 geo,
// §4.17 type selection, §4.21 pick/omit, §5.5.9 pagination) → a store query and the
// rendering options. A type selection that is a plain OR is pushed down as one selector per
// type; one with `;` (AND) is returned in `type_filter` for the handler to apply.
// Errors: kBadRequestData (bad or missing selection, bad q, geo or limit), kTooManyResults
// (limit above LdApiOptions::max_limit), kOperationNotSupported (unsupported georel).
#pragma once

#include <optional>

#include "api/ngsild/ld_call.hpp"
#include "api/ngsild/ld_entity_renderer.hpp"
#include "base/result.hpp"
#include "core/q/scope_query.hpp"
#include "core/q/type_selection.hpp"
#include "store/entity_query.hpp"

namespace renkei::api::ngsild {

struct LdQueryRequest {
  store::EntityQuery query;
  std::optional<core::q::TypeSelection> type_filter;  // applied after the store query
  // `attrs`: entities must have at least one of these (stored names); applied after the
  // store query too.
  std::vector<std::string> any_of_attributes;
  std::optional<core::q::ScopeFilter> scope_filter;  // `scopeQ` (§4.19), applied after too

  bool NeedsPostFilter() const { return type_filter || scope_filter || !any_of_attributes.empty(); }
  // The conditions the store did not apply.
  bool PostFilterMatches(const core::Entity& entity) const;
  LdRenderOptions render;
};

base::Result<LdQueryRequest> BuildLdQuery(const LdCall& call, const LdApiOptions& options);
// Rendering options shared by query and retrieval: format/options, attrs/pick/omit, lang.
base::Result<LdRenderOptions> BuildRenderOptions(const LdCall& call);

}  // namespace renkei::api::ngsild
