// Query entities (ETSI GS CIM 009 v1.8 §6.4.3.2 GET /entities and §6.23.3.1 POST
// /entityOperations/query, §5.2.23 Query; §4.9 q, §4.10 geo, §4.17 type selection, §4.21
// pick/omit, §5.5.9 pagination) → a store query and the rendering options. Both routes
// first gather their selection into LdQueryTerms (from the URL, or from the Query body),
// then share BuildLdQuery; pagination, count and options always come from the URL. A type selection
// that is a plain OR is pushed down as one selector per type; one with `;` (AND) is returned in
// `type_filter` for the handler to apply. Errors: kBadRequestData (bad or missing selection, bad q,
// geo or limit), kTooManyResults (limit above LdApiOptions::max_limit), kOperationNotSupported
// (unsupported georel).
#pragma once

#include <optional>

#include "api/ngsild/ld_call.hpp"
#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/linked_entities.hpp"
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
  JoinRequest join;  // linked entity retrieval (§4.5.23)
};

// One entity selector: `ids` is a comma-separated list, `type` a type selection (§4.17).
struct LdEntitySelection {
  std::optional<std::string> ids;
  std::optional<std::string> id_pattern;
  std::optional<std::string> type;
};
// What selects and shapes a query, in the URL parameters' textual forms.
struct LdQueryTerms {
  std::vector<LdEntitySelection> entities;  // none: no id/type selection
  std::optional<std::string> attrs, pick, omit, lang, q;
  std::optional<std::string> georel, geometry, coordinates, geoproperty;
  std::optional<std::string> geometry_property;               // the GeoJSON geometry (§6.3.15)
  std::optional<std::string> join, join_level, contained_by;  // §4.5.23
  std::optional<std::string> scope_q;                         // §4.19
  std::optional<std::string> order_by;                        // 1.9.1 §4.23 (ld_order_by.hpp)
  std::optional<std::string> dataset_id;  // §4.5.5: comma list of datasetIds or "@none"
  bool local = false;                     // `local=true`: every local entity may be selected
  // Purge (§5.6.21): a list of entity ids selects on its own, where a query (§5.7.2) also
  // needs a type, attrs, q or georel.
  bool ids_suffice = false;
};
LdQueryTerms QueryTermsFromUrl(const LdCall& call);
// The Query data type (§5.2.23) of POST /entityOperations/query. kBadRequestData when
// malformed; kOperationNotSupported for scopeQ, temporalQ and csf (not served).
base::Result<LdQueryTerms> QueryTermsFromBody(const boost::json::object& body);

// Errors: see the file comment; an AND type selection (`;`) is only accepted with one
// entity selector (it is applied after the store query).
base::Result<LdQueryRequest> BuildLdQuery(const LdCall& call, const LdQueryTerms& terms,
                                          const LdApiOptions& options);
// Rendering options shared by query and retrieval: format/options, attrs/pick/omit (with the
// nested selections of linked entities), lang, datasetId, geometryProperty.
base::Result<LdRenderOptions> BuildRenderOptions(const LdCall& call, const LdQueryTerms& terms);
// join, joinLevel, containedBy (bounded by options.max_join_level).
base::Result<JoinRequest> BuildJoinRequest(const LdQueryTerms& terms, const LdApiOptions& options);

}  // namespace renkei::api::ngsild
