// Subscription: what a client asked to be notified of, and how (Orion API manual,
// "Subscription payload datamodel"). The dialect layer validates and builds it; the notify
// module matches entity changes against it and builds the notifications. Plain data.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/value.hpp>

#include "base/time.hpp"
#include "notify/ld_subscription.hpp"
#include "notify/subscription_owner.hpp"
#include "store/entity_query.hpp"

namespace renkei::notify {

// How entities are rendered in a notification (Orion "Notification Messages").
enum class AttrsFormat {
  kNormalized,
  kKeyValues,
  kValues,
  kSimplifiedNormalized,
  kSimplifiedKeyValues,
};

// Orion "Subscriptions based in alteration type".
enum class AlterationType { kEntityCreate, kEntityUpdate, kEntityChange, kEntityDelete };

// What a custom receiver sends as body (httpCustom/mqttCustom payload, json or ngsi).
enum class PayloadKind {
  kDefault,  // the NGSI notification ({"subscriptionId","data"} or a simplified variant)
  kText,     // `payload`: a text template
  kNone,     // `payload: null`: no body
  kJson,     // `json`: a JSON template
  kNgsi,     // `ngsi`: an entity fragment patched onto the notified entity
};

struct CustomPayload {
  PayloadKind kind = PayloadKind::kDefault;
  std::string text;         // kText
  boost::json::value json;  // kJson (object or array), kNgsi (object)
};

struct HttpReceiver {
  std::string url;
  std::int64_t timeout_ms = 0;                               // 0: the broker's default
  bool custom = false;                                       // httpCustom: the fields below apply
  std::string method;                                        // "" means POST
  std::vector<std::pair<std::string, std::string>> headers;  // templates
  std::vector<std::pair<std::string, std::string>> qs;       // templates
  CustomPayload payload;
};

struct MqttReceiver {
  std::string url;  // mqtt://host:port
  std::string topic;
  int qos = 0;
  bool retain = false;
  std::string user;
  std::string passwd;
  bool custom = false;  // mqttCustom: topic is a template, payload applies
  CustomPayload payload;
};

struct Subscription {
  std::string id;
  std::string description;
  // subject
  std::vector<store::EntitySelector> entities;
  std::vector<std::string> condition_attrs;
  std::string q;  // condition.expression members ("" when absent)
  std::string mq;
  std::string georel;
  std::string geometry;
  std::string coords;
  // condition.jexlExpression: a JEXL expression over the entity (expression_context.hpp) that
  // must give true ("" when absent).
  std::string jexl_expression;
  std::vector<AlterationType> alteration_types;  // empty: entityCreate + entityChange
  bool notify_on_metadata_change = true;
  // The ServicePath of the creating request: the scope of entities it watches (Orion
  // "Service path in subscriptions and registrations"); "/#" when the request gave none.
  std::string service_path = "/#";
  // notification
  std::vector<std::string> attrs;
  std::vector<std::string> except_attrs;
  std::vector<std::string> metadata;
  AttrsFormat attrs_format = AttrsFormat::kNormalized;
  bool only_changed_attrs = false;
  bool covered = false;
  std::optional<HttpReceiver> http;  // exactly one of http and mqtt is set
  std::optional<MqttReceiver> mqtt;
  std::optional<std::int64_t> max_fails_limit;
  // top level
  std::optional<base::Timestamp> expires;
  std::optional<std::int64_t> throttling;  // seconds
  std::string status = "active";           // as the client set it: active, inactive, oneshot
  // Set for a subscription made through NGSI-LD (/ngsi-ld/v1/subscriptions): it is matched
  // and notified by NGSI-LD's rules (ld_matcher.hpp, ld_notification_builder.hpp).
  std::optional<LdSubscription> ld;
  // Who made it (docs/subscriptions.md "Who a subscription notifies for"); nullopt when its
  // tenant had authentication off then. Every notification is re-checked against what this
  // owner may read under the tenant's current policy (notification_gate.hpp).
  std::optional<SubscriptionOwner> owner;
};

std::string_view AttrsFormatName(AttrsFormat format);
std::optional<AttrsFormat> ParseAttrsFormat(std::string_view name);
std::string_view AlterationTypeName(AlterationType type);
std::optional<AlterationType> ParseAlterationType(std::string_view name);

}  // namespace renkei::notify
