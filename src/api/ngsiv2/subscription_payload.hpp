// NGSIv2 subscription payloads (Orion API manual "Subscriptions Operations", "Subscription
// payload datamodel", "Custom Notifications"): validation with Orion's error texts into a
// notify::Subscription, and the JSON Orion renders for GET (with the counters).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "notify/notification_builder.hpp"
#include "notify/subscription.hpp"
#include "service/subscription_service.hpp"

namespace renkei::api::ngsiv2 {

inline constexpr std::size_t kMaxDescriptionLength = 1024;
inline constexpr std::int64_t kMaxHttpTimeoutMs = 1800000;  // Orion: 30 minutes

// Applies the members of `body` onto `sub`. With `create`, subject and notification are
// required (POST); otherwise the given top-level members replace the stored ones (PATCH).
// Errors are kBadRequestData with Orion's description texts.
base::Result<void> ApplySubscriptionPayload(const boost::json::value& body, bool create,
                                            notify::Subscription& sub);

// GET /v2/subscriptions[/{id}] rendering; `now` decides the "expired" status.
boost::json::object RenderSubscription(const service::SubscriptionView& view, base::Timestamp now);

// The entity of an NGSIv2 notification ("data" items), as the notify module asks for it.
boost::json::value RenderNotifiedEntity(const core::Entity& entity,
                                        const notify::RenderRequest& request);

}  // namespace renkei::api::ngsiv2
