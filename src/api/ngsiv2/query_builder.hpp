// Building store queries and render options from NGSIv2 requests: URL parameters of
// GET /v2/entities and the body of POST /v2/op/query (Orion API manual "List Entities",
// "Query", "Pagination", "Ordering Results").
#pragma once

#include <boost/json/value.hpp>

#include "api/ngsiv2/call.hpp"
#include "api/ngsiv2/entity_renderer.hpp"
#include "base/result.hpp"
#include "store/entity_query.hpp"

namespace renkei::api::ngsiv2 {

struct QueryRequest {
  store::EntityQuery query;
  RenderOptions render;
};

// limit/offset/count/orderBy/attrs/metadata/format from the URL (shared by both).
base::Result<void> ApplyPagingAndRendering(const Call& call, const ApiOptions& options,
                                           QueryRequest& out);
// GET /v2/entities.
base::Result<QueryRequest> BuildListQuery(const Call& call, const ApiOptions& options);
// POST /v2/op/query.
base::Result<QueryRequest> BuildOpQuery(const Call& call, const ApiOptions& options,
                                        const boost::json::value& body);
// The render format from options=keyValues|values|unique.
RenderFormat FormatFromOptions(const Call& call);

}  // namespace renkei::api::ngsiv2
