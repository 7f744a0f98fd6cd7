#include "notify/ld_notification_builder.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>

#include "core/json_text.hpp"
#include "core/jsonld/core_context.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

bool Listed(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// §5.3.1: the notification's id is a URI unique per notification.
std::string NotificationId(const Subscription& sub, const NotificationContext& context) {
  const std::size_t h = std::hash<std::string>{}(sub.id + "|" + context.correlator + "|" +
                                                 std::to_string(context.sequence));
  char buf[64];
  std::snprintf(buf, sizeof buf, "%012llx%016zx",
                static_cast<unsigned long long>(context.now.millis) & 0xffffffffffffULL, h);
  return std::string("urn:ngsi-ld:Notification:") + buf;
}

// The URL a Link header can name: the subscription's @context when it is one URL, else the
// core context (an inline or multi-part @context cannot go in a Link header; ld+json
// receivers get it inline).
std::string LinkUrl(const LdSubscription& ld) {
  if (ld.context.is_string()) return std::string(ld.context.get_string());
  if (const auto* a = ld.context.if_array();
      a != nullptr && a->size() == 1 && (*a)[0].is_string()) {
    return std::string((*a)[0].get_string());
  }
  return std::string(core::jsonld::kCoreContextUrl);
}

}  // namespace

core::Entity LdNotifiedEntity(const Subscription& sub, const Trigger& trigger,
                              const store::EntityChange& change) {
  const core::Entity& source = *trigger.entity;
  core::Entity out = source;
  out.attributes.clear();
  if (trigger.ld_trigger == LdTrigger::kEntityDeleted) return out;
  const bool all = sub.attrs.empty();
  const core::Entity* before = change.before && change.after ? &*change.before : nullptr;
  const bool show_changes = sub.ld && sub.ld->show_changes;
  for (const auto& a : source.attributes) {
    if (!all && !Listed(sub.attrs, a.name)) continue;
    core::Attribute attr = a;
    if (show_changes && before != nullptr && Listed(trigger.changed, a.name)) {
      if (const auto* old = before->Find(a.name); old != nullptr && old->value != a.value) {
        core::Attribute previous;
        previous.name = "previousValue";
        previous.kind = old->kind;
        previous.type = old->type;
        previous.value = old->value;
        attr.metadata.push_back(std::move(previous));
      }
    }
    out.attributes.push_back(std::move(attr));
  }
  if (trigger.ld_trigger == LdTrigger::kAttributeDeleted && before != nullptr) {
    for (const auto& a : before->attributes) {
      if (source.Find(a.name) != nullptr || !Listed(trigger.changed, a.name)) continue;
      if (!all && !Listed(sub.attrs, a.name)) continue;
      core::Attribute gone;
      gone.name = a.name;
      gone.kind = core::AttributeKind::kProperty;
      gone.value = json::string("urn:ngsi-ld:null");  // §4.5.x: the NGSI-LD Null
      out.attributes.push_back(std::move(gone));
    }
  }
  return out;
}

OutboundMessage BuildLdMessage(const Subscription& sub, const std::vector<core::Entity>& entities,
                               const NotificationContext& context, const EntityRenderer& render,
                               bool deleted) {
  const LdSubscription& ld = *sub.ld;
  RenderRequest request;
  request.attrs = sub.attrs;
  request.subscription = &sub;
  json::array data;
  for (const auto& e : entities) {
    json::value rendered = render(e, request);
    if (deleted && rendered.is_object()) {
      rendered.get_object()["deletedAt"] = base::FormatIso8601(context.now);
    }
    data.push_back(std::move(rendered));
  }
  json::object body;
  body["id"] = NotificationId(sub, context);
  body["type"] = "Notification";
  body["subscriptionId"] = sub.id;
  body["notifiedAt"] = base::FormatIso8601(context.now);
  body["data"] = std::move(data);
  const bool ld_json = ld.accept == "application/ld+json";
  if (ld_json) {
    body["@context"] = ld.context.is_null()
                           ? json::value(json::string(core::jsonld::kCoreContextUrl))
                           : ld.context;
  }

  std::vector<std::pair<std::string, std::string>> headers;
  headers.emplace_back("Content-Type", ld_json ? "application/ld+json" : "application/json");
  if (!ld_json) {
    headers.emplace_back("Link", "<" + LinkUrl(ld) +
                                     ">; rel=\"http://www.w3.org/ns/json-ld#context\"; "
                                     "type=\"application/ld+json\"");
  }
  if (!context.tenant.empty()) headers.emplace_back("NGSILD-Tenant", context.tenant);
  headers.emplace_back("Fiware-Correlator",
                       context.correlator + "; cbnotif=" + std::to_string(context.sequence));
  for (const auto& h : ld.receiver_info) headers.push_back(h);

  OutboundMessage m;
  if (sub.mqtt) {
    m.transport = Transport::kMqtt;
    m.url = sub.mqtt->url;
    m.topic = sub.mqtt->topic;
    m.qos = sub.mqtt->qos;
    m.user = sub.mqtt->user;
    m.passwd = sub.mqtt->passwd;
    json::object metadata;
    for (const auto& [k, v] : headers) metadata[k] = v;
    json::object envelope;
    envelope["metadata"] = std::move(metadata);
    envelope["body"] = std::move(body);
    m.body = core::ToJsonText(envelope);
    return m;
  }
  m.transport = Transport::kHttp;
  m.url = sub.http ? sub.http->url : std::string();
  m.timeout_ms =
      sub.http && sub.http->timeout_ms > 0 ? sub.http->timeout_ms : context.default_timeout_ms;
  m.headers = std::move(headers);
  m.body = core::ToJsonText(body);
  return m;
}

base::Result<OutboundMessage> BuildLdNotification(const Subscription& sub, const Trigger& trigger,
                                                  const store::EntityChange& change,
                                                  const NotificationContext& context,
                                                  const EntityRenderer& render) {
  const core::Entity notified = LdNotifiedEntity(sub, trigger, change);
  return BuildLdMessage(sub, {notified}, context, render,
                        trigger.ld_trigger == LdTrigger::kEntityDeleted);
}

}  // namespace renkei::notify
