// Small pieces several NGSIv2 handlers share.
#pragma once

#include <boost/json/value.hpp>

#include "api/ngsiv2/call.hpp"
#include "api/ngsiv2/entity_renderer.hpp"
#include "base/result.hpp"
#include "service/entity_service.hpp"

namespace renkei::api::ngsiv2 {

// The entity named by the URL: {id} path segment and the optional `type` parameter.
service::EntityKey KeyFromCall(const Call& call);

// Where a request body names attributes by member name: there a name given twice is refused
// as Orion does (400 "duplicated attribute /A/"), instead of keeping the last one.
enum class AttributeNamesAt {
  kNowhere,
  kTopLevel,       // an entity or an attribute object: POST /v2/entities, /attrs
  kBatchEntities,  // the objects of `entities` in POST /v2/op/update
};

// Parses the body as JSON, answering the error itself when it fails. Returns nullopt then.
std::optional<boost::json::value> JsonBodyOrReply(
    const Call& call, const Reply& reply, AttributeNamesAt names = AttributeNamesAt::kNowhere);

// Runs the query and answers 200 with the rendered entities (Fiware-Total-Count when asked).
void ReplyWithQueryResult(const Deps& deps, const Call& call, const Reply& reply,
                          store::EntityQuery query, const RenderOptions& render);

// A write callback that answers 204 on success, or the error.
service::Callback<void> NoContentOrError(const Reply& reply);

}  // namespace renkei::api::ngsiv2
