// Building the NGSI-LD notification of a subscription (ETSI GS CIM 009 v1.8 §5.3.1
// Notification, §5.8.6 behaviour, §5.2.15 Endpoint): the body {id, type: "Notification",
// subscriptionId, notifiedAt, data} with the entities rendered by the dialect's renderer
// (RenderRequest::subscription carries the format, @context, lang, sysAttrs), the @context
// inline for `accept: application/ld+json` or as a Link header for application/json,
// NGSILD-Tenant and the endpoint's receiverInfo as headers. An MQTT endpoint gets
// {metadata: headers, body: notification} (§7.3 MQTT binding). Pure; thread-safe when the
// renderer is.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "notify/matcher.hpp"
#include "notify/notification_builder.hpp"
#include "notify/outbound_message.hpp"

namespace renkei::notify {

// The NGSI-LD Null (§4.5.x), the value of a deleted attribute in a notification.
inline constexpr std::string_view kNgsiLdNull = "urn:ngsi-ld:null";
// Sub-attributes LdNotifiedEntity adds for the renderer, never stored: the attribute's
// previous state (showChanges, shown as previousValue / previousObject / previousLanguageMap
// / previousVocab / previousJson) and, on a deleted attribute, when it was deleted (shown as
// deletedAt with sysAttrs). '@' names cannot be attribute names (JSON-LD keywords).
inline constexpr std::string_view kPreviousValueMarker = "@previous";
inline constexpr std::string_view kDeletedAtMarker = "@deletedAt";

// The entity as notified for one trigger (§5.8.6): notification.attributes applied; with
// showChanges each changed attribute carries its previous state. Deleted attributes
// (attributeDeleted, also when the whole entity was deleted) keep their kind with the NGSI-LD
// Null in its value member (`value`, `object`, `languageMap` {"@none": null}, `vocab`,
// `json`, ...), deleted at `deleted_at`. An entityDeleted notifies id and type, and with
// showChanges every attribute as deleted beside its previous value.
core::Entity LdNotifiedEntity(const Subscription& sub, const Trigger& trigger,
                              const store::EntityChange& change, base::Timestamp deleted_at);

base::Result<OutboundMessage> BuildLdNotification(const Subscription& sub, const Trigger& trigger,
                                                  const store::EntityChange& change,
                                                  const NotificationContext& context,
                                                  const EntityRenderer& render);

// The message carrying `entities` (already selected): one trigger's entity, or the current
// matching entities of a periodic (timeInterval) notification. `deleted` adds deletedAt to
// each entity (the entity was deleted).
OutboundMessage BuildLdMessage(const Subscription& sub, const std::vector<core::Entity>& entities,
                               const NotificationContext& context, const EntityRenderer& render,
                               bool deleted = false);

}  // namespace renkei::notify
