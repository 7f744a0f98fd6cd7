// An NGSI-LD subscription as GET answers it (ETSI GS CIM 009 v1.8 §5.2.12): the document the
// client wrote with its names compacted under the reading request's @context, `id`, `type`,
// `status` (active, paused, expired), the effective `notificationTrigger`, `jsonldContext`,
// and the delivery counters of NotificationParams (§5.2.14: timesSent, timesFailed,
// lastNotification, lastSuccess, lastFailure, status ok/failed). Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <boost/json/object.hpp>

#include "base/time.hpp"
#include "core/jsonld/active_context.hpp"
#include "service/subscription_service.hpp"

namespace renkei::api::ngsild {

// `implicit_context_url`: the URL of the ImplicitlyCreated @context standing for the
// subscription's compound @context (§5.13.1), shown as `jsonldContext` when the client gave none.
boost::json::object RenderLdSubscription(const service::SubscriptionView& view,
                                         const core::jsonld::ActiveContext& context,
                                         base::Timestamp now,
                                         const std::optional<std::string>& implicit_context_url);

// The status §5.2.12 defines: "paused" when isActive is false, "expired" after expiresAt.
std::string_view LdSubscriptionStatus(const service::SubscriptionView& view, base::Timestamp now);

}  // namespace renkei::api::ngsild
