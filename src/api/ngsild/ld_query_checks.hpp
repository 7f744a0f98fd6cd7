// Validation of the selection parameters of an NGSI-LD entity query (GET /entities), before
// any of them is turned into a store query: NGSI-LD 1.8.1 §5.7.2 and §6.4.3.2. Kept apart
// from the query builder so that GET and POST (/entityOperations/query) can share it.
//
// Errors: kBadRequestData ("BadRequestData") with the offending parameter in the detail.
// Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "base/result.hpp"

namespace renkei::api::ngsild {

struct LdSelectionParams {
  std::optional<std::string_view> ids;         // `id`: comma list of URIs
  std::optional<std::string_view> id_pattern;  // `idPattern`: an ECMAScript regex
  std::optional<std::string_view> type;
  std::optional<std::string_view> attrs;  // comma list of attribute names
  std::optional<std::string_view> q;
  std::optional<std::string_view> georel;
  std::optional<std::string_view> scope_q;
  bool local = false;  // `local=true`
};

// §5.7.2: a query names entity types, attributes, a q, a scopeQ or a geo-query (`id` / `idPattern`
// only narrow those down), unless it is local (`local=true`: every local entity). Ids must be URIs
// (§4.5.1), idPattern a valid regex, and attrs attribute names (not the members id or type).
base::Result<void> CheckLdSelection(const LdSelectionParams& params);

}  // namespace renkei::api::ngsild
