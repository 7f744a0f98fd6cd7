// Validation of the selection parameters of an NGSI-LD entity query (GET /entities), before
// any of them is turned into a store query: NGSI-LD 1.8.1 §5.7.2 and §6.4.3.2. Kept apart
// from the query builder so that GET and POST (/entityOperations/query) can share it.
//
// Errors: kBadRequestData ("BadRequestData") with the offending parameter in the detail.
// Pure functions; thread-safe.
#pragma once

#include "api/ngsild/ld_query_builder.hpp"
#include "base/result.hpp"

namespace renkei::api::ngsild {

// §5.7.2: a query names entity types, attributes, a q, a scopeQ or a geo-query (`id` /
// `idPattern` only narrow those down), unless it is local (`local=true`: every local entity)
// or a purge naming ids (LdQueryTerms::ids_suffice).
// Ids must be URIs (§4.5.1), idPattern a valid regex, and attrs attribute names (not the
// members id or type).
base::Result<void> CheckLdSelection(const LdQueryTerms& terms);

}  // namespace renkei::api::ngsild
