#include "notify/ld_notification_builder.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <unordered_set>

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

// The NGSI-LD Null (§4.5.x) in the value member of a deleted attribute of `kind`: a
// LanguageProperty's languageMap is {"@none": null} when one attribute was deleted; in an
// entity deletion the conformance suite (046_37) expects the bare string there too.
json::value NullValueFor(core::AttributeKind kind, bool entity_gone) {
  if (kind == core::AttributeKind::kLanguageProperty && !entity_gone) {
    return json::object{{"@none", kNgsiLdNull}};
  }
  return json::string(kNgsiLdNull);
}

// The previous state of a changed or deleted attribute, carried as the marker sub-attribute.
core::Attribute PreviousMarker(const core::Attribute& old) {
  core::Attribute previous = old;
  previous.name = std::string(kPreviousValueMarker);
  previous.metadata.clear();
  return previous;
}

// A deleted attribute as notified: its kind, datasetId and system times, the NGSI-LD Null as
// value, its previous state (showChanges) and when it was deleted (sysAttrs) as markers.
core::Attribute DeletedAttribute(const core::Attribute& a, bool show_previous, bool entity_gone,
                                 base::Timestamp deleted_at) {
  core::Attribute gone;
  gone.name = a.name;
  gone.kind = a.kind;
  gone.type = a.type;
  gone.dataset_id = a.dataset_id;
  gone.created_at = a.created_at;
  gone.modified_at = a.modified_at;
  gone.value = NullValueFor(a.kind, entity_gone);
  if (show_previous) gone.metadata.push_back(PreviousMarker(a));
  core::Attribute when;
  when.name = std::string(kDeletedAtMarker);
  when.value = json::string(base::FormatIso8601(deleted_at));
  gone.metadata.push_back(std::move(when));
  return gone;
}

}  // namespace

core::Entity LdNotifiedEntity(const Subscription& sub, const Trigger& trigger,
                              const store::EntityChange& change, base::Timestamp deleted_at) {
  const core::Entity& source = *trigger.entity;
  core::Entity out = source;
  out.attributes.clear();
  const bool all = sub.attrs.empty();
  const bool show_changes = sub.ld && sub.ld->show_changes;
  const bool entity_gone = !change.after;
  const core::Entity* before = change.before ? &*change.before : nullptr;
  if (trigger.ld_trigger == LdTrigger::kEntityDeleted) {
    // Without showChanges an entity deletion notifies id, type and deletedAt; with it, every
    // (selected) attribute as deleted beside its previous value (§5.8.6 showChanges).
    if (!show_changes || before == nullptr) return out;
    for (const auto& a : before->attributes) {
      if (all || Listed(sub.attrs, a.name)) {
        out.attributes.push_back(DeletedAttribute(a, show_changes, entity_gone, deleted_at));
      }
    }
    return out;
  }
  if (!entity_gone) {
    for (const auto& a : source.attributes) {
      if (!all && !Listed(sub.attrs, a.name)) continue;
      core::Attribute attr = a;
      const core::Attribute* old =
          before != nullptr ? before->FindInstance(a.name, a.dataset_id) : nullptr;
      if (show_changes && old != nullptr && Listed(trigger.changed, a.name) &&
          old->value != a.value) {
        attr.metadata.push_back(PreviousMarker(*old));
      }
      out.attributes.push_back(std::move(attr));
    }
  }
  if (trigger.ld_trigger == LdTrigger::kAttributeDeleted && before != nullptr) {
    std::vector<std::string> wholly_deleted;
    for (const auto& a : before->attributes) {
      if (!entity_gone && source.FindInstance(a.name, a.dataset_id) != nullptr) continue;
      if (!Listed(trigger.changed, a.name) || (!all && !Listed(sub.attrs, a.name))) continue;
      const bool none_left = entity_gone || source.Find(a.name) == nullptr;
      if (!none_left) {
        // One instance of several (§4.5.5): that instance, beside the ones left.
        out.attributes.push_back(DeletedAttribute(a, show_changes, entity_gone, deleted_at));
      } else if (!Listed(wholly_deleted, a.name)) {
        // Every instance went (deleteAll, or the entity): the attribute once, as deleted.
        wholly_deleted.push_back(a.name);
        core::Attribute attribute = a;
        attribute.dataset_id.reset();
        out.attributes.push_back(
            DeletedAttribute(attribute, show_changes, entity_gone, deleted_at));
      }
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
  const bool ld_json = ld.accept == "application/ld+json";
  const json::value inline_context =
      ld.context.is_null() ? json::value(json::string(core::jsonld::kCoreContextUrl)) : ld.context;
  request.linked = context.linked;
  json::array data;
  // §4.5.23 join=flat: each linked entity once in `data`, after the entity linking to it.
  std::unordered_set<std::string> flat_ids;
  const auto add = [&](json::value rendered, bool notified) {
    if (auto* o = rendered.if_object()) {
      if (!notified) {
        const auto* id = o->if_contains("id");
        if (id != nullptr && id->is_string() && !flat_ids.emplace(id->get_string()).second) {
          return;
        }
      }
      if (deleted && notified) (*o)["deletedAt"] = base::FormatIso8601(context.now);
      // §6.3.5 as for entities in an ld+json answer: each entity of `data` is a JSON-LD
      // document of its own and carries the @context (the notification keeps it too).
      if (ld_json) (*o)["@context"] = inline_context;
    }
    data.push_back(std::move(rendered));
  };
  for (const auto& e : entities) flat_ids.insert(e.id);
  for (const auto& e : entities) {
    json::value rendered = render(e, request);
    if (auto* several = rendered.if_array(); several != nullptr && !several->empty()) {
      add(std::move((*several)[0]), true);
      for (std::size_t i = 1; i < several->size(); ++i) add(std::move((*several)[i]), false);
      continue;
    }
    add(std::move(rendered), true);
  }
  json::object body;
  body["id"] = NotificationId(sub, context);
  body["type"] = "Notification";
  body["subscriptionId"] = sub.id;
  body["notifiedAt"] = base::FormatIso8601(context.now);
  body["data"] = std::move(data);
  if (ld_json) body["@context"] = inline_context;

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
  // An attribute deleted by a write is deleted when that write modified the entity; one
  // deleted with its entity when the deletion is noticed (as the entity's deletedAt).
  const base::Timestamp deleted_at = change.after ? change.after->modified_at : context.now;
  const core::Entity notified = LdNotifiedEntity(sub, trigger, change, deleted_at);
  return BuildLdMessage(sub, {notified}, context, render, !change.after);
}

}  // namespace renkei::notify
