// Building the notification a subscription sends for one trigger (Orion API manual:
// "Notification Messages", "Custom Notifications", "Filtering out attributes and metadata",
// "Covered Subscriptions", "Builtin metadata" previousValue/actionType, "Builtin attributes"
// alterationType). The entity rendering itself is the dialect's: the caller passes it in.
// Pure; thread-safe when the renderer is.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "notify/matcher.hpp"
#include "notify/outbound_message.hpp"

namespace renkei::notify {

// NGSI-LD join (§4.5.23): the entities with these ids that may be notified beside the
// notified ones (those that exist and the subscription's owner may read now), any order.
using LinkedEntityFetch =
    std::function<std::vector<core::Entity>(const std::vector<std::string>& ids)>;

// What the dialect's renderer is asked for: normalized, keyValues or values, with the
// attribute order (and builtins to show) of `attrs` and the metadata of `metadata`.
struct RenderRequest {
  AttrsFormat format = AttrsFormat::kNormalized;
  std::vector<std::string> attrs;     // empty: every attribute of the entity
  std::vector<std::string> metadata;  // empty: every user metadata
  // The subscription notified: a dialect reads its own members there (NGSI-LD: format,
  // @context, lang, sysAttrs, showChanges in Subscription::ld).
  const Subscription* subscription = nullptr;
  // NGSI-LD join: where linked entities come from (empty: none are shown). With join=flat the
  // NGSI-LD renderer answers an array, the entity first, then the entities it links to.
  LinkedEntityFetch linked;
};
using EntityRenderer =
    std::function<boost::json::value(const core::Entity& entity, const RenderRequest& request)>;

struct NotificationContext {
  std::string tenant;      // Fiware-Service ("" is the default service: no header)
  std::string correlator;  // of the triggering request
  int sequence = 1;        // this request's n-th notification (Fiware-Correlator "cbnotif=n")
  std::int64_t default_timeout_ms = 0;
  base::Timestamp now;       // NGSI-LD notifiedAt (§5.3.1)
  LinkedEntityFetch linked;  // NGSI-LD join: passed to the renderer (RenderRequest::linked)
};

// The message to enqueue (an NGSI-LD subscription's by BuildLdNotification). kBadRequestData when a
// custom URL is not http(s) after substitution (Orion then sends nothing).
base::Result<OutboundMessage> BuildNotification(const CompiledSubscription& sub,
                                                const Trigger& trigger,
                                                const store::EntityChange& change,
                                                const NotificationContext& context,
                                                const EntityRenderer& render);

// The entity as notified: attributes selected (attrs/exceptAttrs, onlyChangedAttrs,
// covered) and builtin metadata/attributes added when the subscription asks for them.
core::Entity NotifiedEntity(const Subscription& sub, const Trigger& trigger,
                            const store::EntityChange& change);

}  // namespace renkei::notify
