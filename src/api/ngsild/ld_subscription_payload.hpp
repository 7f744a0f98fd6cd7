// NGSI-LD subscription payloads (ETSI GS CIM 009 v1.8 §5.2.12 Subscription, §5.2.13 GeoQuery,
// §5.2.14 NotificationParams, §5.2.15 Endpoint, §5.8.1 create, §5.8.2 update) → the shared
// notify::Subscription. The document is kept as the client wrote it (minus @context) together
// with the stored name of every term in it (type selections, watchedAttributes,
// notification.attributes/pick/omit, q, geoproperty), so that responses compact the names
// with the reading request's @context and matching needs no @context processing.
//
// Errors: kBadRequestData (ProblemDetails BadRequestData) naming the member; kInvalidRequest
// for a payload of the wrong JSON shape. Pure; thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/jsonld/active_context.hpp"
#include "notify/subscription.hpp"

namespace renkei::api::ngsild {

// POST /subscriptions: `user_context` is the request's own @context (a Link URL, the inline
// value, or null), kept for notifications unless the payload names a jsonldContext. The id
// is the payload's (checked to be a URI) or empty. A notification.joinLevel above
// `max_join_level` is BadRequestData, as the GET parameter's (LdApiOptions::max_join_level).
base::Result<notify::Subscription> ParseLdSubscription(const boost::json::object& body,
                                                       const core::jsonld::ActiveContext& context,
                                                       const boost::json::value& user_context,
                                                       base::Timestamp now,
                                                       std::size_t max_join_level);

// PATCH /subscriptions/{id} (§5.8.2): the fragment's members replace the stored ones
// (notification members one by one, as JSON merge-patch; null removes a member); the result
// is validated as a whole.
base::Result<void> MergeLdSubscription(const boost::json::object& fragment,
                                       const core::jsonld::ActiveContext& context,
                                       base::Timestamp now, std::size_t max_join_level,
                                       notify::Subscription& sub);

}  // namespace renkei::api::ngsild
