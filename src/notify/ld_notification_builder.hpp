// Building the NGSI-LD notification of a subscription (ETSI GS CIM 009 v1.8 §5.3.1
// Notification, §5.8.6 behaviour, §5.2.15 Endpoint): the body {id, type: "Notification",
// subscriptionId, notifiedAt, data} with the entities rendered by the dialect's renderer
// (RenderRequest::subscription carries the format, @context, lang, sysAttrs), the @context
// inline for `accept: application/ld+json` or as a Link header for application/json,
// NGSILD-Tenant and the endpoint's receiverInfo as headers. An MQTT endpoint gets
// {metadata: headers, body: notification} (§7.3 MQTT binding). Pure; thread-safe when the
// renderer is.
#pragma once

#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "notify/matcher.hpp"
#include "notify/notification_builder.hpp"
#include "notify/outbound_message.hpp"

namespace renkei::notify {

// The entity as notified for one trigger: notification.attributes applied; with showChanges
// each changed attribute carries its previous value as a "previousValue" sub-attribute (the
// renderer shows it as previousValue / previousObject / previousLanguageMap); deleted
// attributes appear with the value "urn:ngsi-ld:null" (§5.8.6 attributeDeleted); an
// entityDeleted notifies the entity's id and type only.
core::Entity LdNotifiedEntity(const Subscription& sub, const Trigger& trigger,
                              const store::EntityChange& change);

base::Result<OutboundMessage> BuildLdNotification(const Subscription& sub, const Trigger& trigger,
                                                  const store::EntityChange& change,
                                                  const NotificationContext& context,
                                                  const EntityRenderer& render);

// The message carrying `entities` (already selected): one trigger's entity, or the current
// matching entities of a periodic (timeInterval) notification. `deleted_at` adds deletedAt to
// each entity (an entityDeleted notification).
OutboundMessage BuildLdMessage(const Subscription& sub, const std::vector<core::Entity>& entities,
                               const NotificationContext& context, const EntityRenderer& render,
                               bool deleted = false);

}  // namespace renkei::notify
