#include "api/ngsild/ld_subscription_payload.hpp"

#include <algorithm>
#include <cmath>

#include <boost/json/serialize.hpp>

#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_reply.hpp"
#include "api/ngsild/linked_entities.hpp"
#include "core/geo/ld_geo_query.hpp"
#include "core/jsonld/iri.hpp"
#include "core/q/ld_query.hpp"
#include "core/q/scope_query.hpp"
#include "core/q/type_selection.hpp"
#include "http/request_target.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using Terms = std::vector<std::pair<std::string, std::string>>;

void AddTerm(Terms& terms, const core::jsonld::ActiveContext& context, std::string_view term) {
  std::string stored = StoredName(context, term);
  for (auto& [t, s] : terms) {
    if (t == term) {
      s = std::move(stored);
      return;
    }
  }
  terms.emplace_back(std::string(term), std::move(stored));
}

std::string StoredOf(const Terms& terms, std::string_view term) {
  for (const auto& [t, s] : terms) {
    if (t == term) return s;
  }
  return std::string(term);
}

void AddStringTerms(const json::value* list, const core::jsonld::ActiveContext& context,
                    Terms& terms) {
  if (list == nullptr || !list->is_array()) return;
  for (const auto& v : list->get_array()) {
    if (v.is_string()) AddTerm(terms, context, v.get_string());
  }
}

// Records the stored name of every term the document writes; the parsers of type selections
// and q validate those members on the way (their errors are the client's).
base::Result<void> CollectTerms(const json::object& doc, const core::jsonld::ActiveContext& context,
                                Terms& terms) {
  const core::q::TermExpander record = [&](std::string_view term) {
    AddTerm(terms, context, term);
    return StoredName(context, term);
  };
  if (const auto* es = doc.if_contains("entities"); es != nullptr && es->is_array()) {
    for (const auto& e : es->get_array()) {
      const auto* type = e.is_object() ? e.get_object().if_contains("type") : nullptr;
      if (type == nullptr || !type->is_string()) continue;
      RENKEI_TRY_VOID(core::q::ParseTypeSelection(type->get_string(), record));
    }
  }
  AddStringTerms(doc.if_contains("watchedAttributes"), context, terms);
  if (const auto* q = doc.if_contains("q"); q != nullptr && q->is_string()) {
    // `q` (§5.2.12) is checked percent-decoded, as the query parameter would be ('+' stays
    // '+'): a JSON string needs no encoding, but clients write it as they write the URL
    // parameter (`name=="Eiffel%20Tower"` in the ETSI suite's 046_05, `status==%22busy%22` in
    // Orion-LD#1756) and Stellio decodes it (stellio#471). Matched decoded; GET shows it as
    // written.
    RENKEI_TRY_VOID(core::q::ParseLdQuery(http::PercentDecoded(q->get_string()), record));
  }
  if (const auto* g = doc.if_contains("geoQ"); g != nullptr && g->is_object()) {
    const auto* p = g->get_object().if_contains("geoproperty");
    if (p != nullptr && p->is_string()) AddTerm(terms, context, p->get_string());
  }
  if (const auto* n = doc.if_contains("notification"); n != nullptr && n->is_object()) {
    for (const char* key : {"attributes", "pick", "omit"}) {
      AddStringTerms(n->get_object().if_contains(key), context, terms);
    }
  }
  return base::Ok();
}

base::Result<std::vector<std::string>> NameList(const json::object& o, std::string_view key,
                                                const Terms& terms) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array() || v->get_array().empty()) {
    return BadRequestData(std::string(key) + " must be a non-empty array of names");
  }
  for (const auto& item : v->get_array()) {
    if (!item.is_string() || item.get_string().empty()) {
      return BadRequestData(std::string(key) + " must be a non-empty array of names");
    }
    out.push_back(StoredOf(terms, item.get_string()));
  }
  return out;
}

base::Result<std::optional<std::string>> OptText(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::optional<std::string>{};
  if (!v->is_string()) return BadRequestData(std::string(key) + " must be a string");
  return std::optional<std::string>{std::string(v->get_string())};
}

base::Result<bool> OptBool(const json::object& o, std::string_view key, bool fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (!v->is_bool()) return BadRequestData(std::string(key) + " must be true or false");
  return v->get_bool();
}

// A positive number of seconds (throttling, timeInterval), rounded up to whole seconds.
base::Result<std::optional<std::int64_t>> OptSeconds(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::optional<std::int64_t>{};
  if (!v->is_number()) return BadRequestData(std::string(key) + " must be a positive number");
  const double d = v->to_number<double>();
  if (!(d > 0) || d > 1e9) return BadRequestData(std::string(key) + " must be a positive number");
  return std::optional<std::int64_t>{static_cast<std::int64_t>(std::ceil(d))};
}

base::Result<void> ParseEntities(const json::object& doc, notify::LdSubscription& ld) {
  const auto* es = doc.if_contains("entities");
  if (es == nullptr) return base::Ok();
  if (!es->is_array() || es->get_array().empty()) {
    return BadRequestData("entities must be a non-empty array of entity selectors");
  }
  for (const auto& e : es->get_array()) {
    if (!e.is_object()) return BadRequestData("an entity selector must be an object");
    const auto& o = e.get_object();
    notify::LdEntitySelector s;
    RENKEI_TRY(s.id, OptText(o, "id"));
    RENKEI_TRY(s.id_pattern, OptText(o, "idPattern"));
    RENKEI_TRY(auto type, OptText(o, "type"));
    if (!type || type->empty()) return BadRequestData("an entity selector needs a type");
    if (s.id && !core::jsonld::IsAbsoluteIri(*s.id)) {
      return BadRequestData("entity selector id '" + *s.id + "' is not a URI");
    }
    s.type = std::move(*type);
    ld.entities.push_back(std::move(s));
  }
  return base::Ok();
}

base::Result<void> ParseGeoQ(const json::object& doc, const Terms& terms,
                             notify::LdSubscription& ld) {
  const auto* g = doc.if_contains("geoQ");
  if (g == nullptr) return base::Ok();
  if (!g->is_object()) return BadRequestData("geoQ must be an object");
  const auto& o = g->get_object();
  notify::LdGeoQuery geo;
  RENKEI_TRY(auto geometry, OptText(o, "geometry"));
  RENKEI_TRY(auto georel, OptText(o, "georel"));
  const auto* coords = o.if_contains("coordinates");
  if (!geometry || !georel || coords == nullptr) {
    return BadRequestData("geoQ needs geometry, coordinates and georel");
  }
  geo.geometry = *geometry;
  geo.georel = *georel;
  geo.coordinates =
      coords->is_string() ? std::string(coords->get_string()) : json::serialize(*coords);
  RENKEI_TRY(auto geoproperty, OptText(o, "geoproperty"));
  geo.geoproperty = geoproperty ? StoredOf(terms, *geoproperty) : "location";
  RENKEI_TRY_VOID(core::geo::ParseLdGeoQuery(geo.georel, geo.geometry, geo.coordinates));
  ld.geo_q = std::move(geo);
  return base::Ok();
}

// "key"/"value" pairs (§5.2.22 KeyValuePair) of receiverInfo and notifierInfo.
base::Result<std::vector<std::pair<std::string, std::string>>> KeyValues(const json::object& o,
                                                                         std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  if (!v->is_array()) return BadRequestData(std::string(key) + " must be an array");
  for (const auto& item : v->get_array()) {
    const auto* k = item.is_object() ? item.get_object().if_contains("key") : nullptr;
    const auto* val = item.is_object() ? item.get_object().if_contains("value") : nullptr;
    if (k == nullptr || val == nullptr || !k->is_string() || !val->is_string() ||
        k->get_string().empty()) {
      return BadRequestData(std::string(key) + " items must be {\"key\", \"value\"} strings");
    }
    out.emplace_back(std::string(k->get_string()), std::string(val->get_string()));
  }
  return out;
}

// mqtt[s]://[user:password@]host[:port]/topic (§5.2.15, MQTT binding).
base::Result<notify::MqttReceiver> MqttEndpoint(
    const std::string& uri, const std::vector<std::pair<std::string, std::string>>& notifier_info) {
  notify::MqttReceiver mqtt;
  const auto scheme_end = uri.find("://");
  std::string rest = uri.substr(scheme_end + 3);
  const auto slash = rest.find('/');
  if (slash == std::string::npos || slash + 1 >= rest.size()) {
    return BadRequestData("an MQTT endpoint needs a topic: " + uri);
  }
  std::string authority = rest.substr(0, slash);
  mqtt.topic = rest.substr(slash + 1);
  if (const auto at = authority.rfind('@'); at != std::string::npos) {
    const std::string credentials = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = credentials.find(':');
    mqtt.user = credentials.substr(0, colon);
    if (colon != std::string::npos) mqtt.passwd = credentials.substr(colon + 1);
  }
  if (authority.empty()) return BadRequestData("an MQTT endpoint needs a host: " + uri);
  mqtt.url = uri.substr(0, scheme_end + 3) + authority;
  for (const auto& [k, v] : notifier_info) {
    if (k != "MQTT-QoS") continue;
    if (v != "0" && v != "1" && v != "2") return BadRequestData("MQTT-QoS must be 0, 1 or 2");
    mqtt.qos = v[0] - '0';
  }
  return mqtt;
}

base::Result<void> ParseEndpoint(const json::object& notification, notify::Subscription& sub) {
  const auto* e = notification.if_contains("endpoint");
  if (e == nullptr || !e->is_object()) return BadRequestData("notification.endpoint is missing");
  const auto& o = e->get_object();
  RENKEI_TRY(auto uri, OptText(o, "uri"));
  if (!uri || !core::jsonld::IsAbsoluteIri(*uri)) {
    return BadRequestData("notification.endpoint.uri must be a URI");
  }
  RENKEI_TRY(auto accept, OptText(o, "accept"));
  notify::LdSubscription& ld = *sub.ld;
  ld.accept = accept.value_or("application/json");
  if (ld.accept != "application/json" && ld.accept != "application/ld+json") {
    return BadRequestData(
        "notification.endpoint.accept must be application/json or "
        "application/ld+json");
  }
  RENKEI_TRY(ld.receiver_info, KeyValues(o, "receiverInfo"));
  RENKEI_TRY(auto notifier_info, KeyValues(o, "notifierInfo"));
  if (uri->starts_with("http://") || uri->starts_with("https://")) {
    notify::HttpReceiver http;
    http.url = *uri;
    sub.http = std::move(http);
  } else if (uri->starts_with("mqtt://") || uri->starts_with("mqtts://")) {
    RENKEI_TRY(sub.mqtt, MqttEndpoint(*uri, notifier_info));
  } else {
    return BadRequestData("notification.endpoint.uri must be http, https, mqtt or mqtts: " + *uri);
  }
  return base::Ok();
}

// §5.2.14 join / joinLevel (linked entity retrieval, §4.5.23), checked as the GET
// parameters are (linked_entities.hpp ParseJoinRequest).
base::Result<void> ParseJoin(const json::object& o, std::size_t max_join_level,
                             notify::LdSubscription& ld) {
  RENKEI_TRY(auto join, OptText(o, "join"));
  std::optional<std::string> level;
  if (const auto* v = o.if_contains("joinLevel")) {
    if (!v->is_int64() && !v->is_uint64()) {
      return BadRequestData("notification.joinLevel must be a positive integer, not " +
                            json::serialize(*v));
    }
    level = json::serialize(*v);
  }
  auto parsed = ParseJoinRequest(join, level, std::nullopt, max_join_level);
  if (!parsed) return BadRequestData("notification." + parsed.error().detail);
  ld.join = parsed->kind == JoinKind::kFlat     ? "flat"
            : parsed->kind == JoinKind::kInline ? "inline"
                                                : "";
  ld.join_level = parsed->level;
  return base::Ok();
}

base::Result<void> ParseNotification(const json::object& doc, const Terms& terms,
                                     std::size_t max_join_level, notify::Subscription& sub) {
  const auto* n = doc.if_contains("notification");
  if (n == nullptr || !n->is_object()) return BadRequestData("notification is missing");
  const auto& o = n->get_object();
  notify::LdSubscription& ld = *sub.ld;
  RENKEI_TRY(sub.attrs, NameList(o, "attributes", terms));
  RENKEI_TRY(auto pick, NameList(o, "pick", terms));
  RENKEI_TRY(sub.except_attrs, NameList(o, "omit", terms));
  // §4.21: pick and omit replace attributes; neither goes with it, and no member is in both.
  if (!pick.empty() && !sub.attrs.empty()) {
    return BadRequestData("notification.pick and notification.attributes are exclusive");
  }
  if (!sub.except_attrs.empty() && !sub.attrs.empty()) {
    return BadRequestData("notification.omit and notification.attributes are exclusive");
  }
  for (const auto& p : pick) {
    if (std::find(sub.except_attrs.begin(), sub.except_attrs.end(), p) != sub.except_attrs.end()) {
      return BadRequestData("'" + p + "' is in both notification.pick and notification.omit");
    }
  }
  if (!pick.empty()) sub.attrs = std::move(pick);
  RENKEI_TRY(auto format, OptText(o, "format"));
  ld.format = format.value_or("normalized");
  if (ld.format == "simplified") ld.format = "keyValues";
  if (ld.format != "normalized" && ld.format != "keyValues" && ld.format != "concise") {
    return BadRequestData(
        "notification.format must be normalized, keyValues, simplified or "
        "concise");
  }
  RENKEI_TRY(ld.show_changes, OptBool(o, "showChanges", false));
  RENKEI_TRY(ld.sys_attrs, OptBool(o, "sysAttrs", false));
  RENKEI_TRY_VOID(ParseJoin(o, max_join_level, ld));
  return ParseEndpoint(o, sub);
}

base::Result<void> ParseTriggers(const json::object& doc, notify::LdSubscription& ld) {
  const auto* t = doc.if_contains("notificationTrigger");
  if (t == nullptr) return base::Ok();
  if (!t->is_array() || t->get_array().empty()) {
    return BadRequestData("notificationTrigger must be a non-empty array");
  }
  for (const auto& item : t->get_array()) {
    const auto trigger = item.is_string() ? notify::ParseLdTrigger(item.get_string())
                                          : std::optional<notify::LdTrigger>{};
    if (!trigger) {
      return BadRequestData("unknown notificationTrigger " + json::serialize(item));
    }
    ld.triggers.push_back(*trigger);
  }
  return base::Ok();
}

// The whole subscription from its document (as written) and terms. `expires_checked`: an
// expiresAt in the past is refused (it was given by this request, §5.8.1, §5.8.2).
base::Result<notify::Subscription> FromDocument(json::object doc, Terms terms,
                                                json::value user_context, base::Timestamp now,
                                                bool expires_checked, std::size_t max_join_level) {
  notify::Subscription sub;
  sub.ld.emplace();
  notify::LdSubscription& ld = *sub.ld;
  if (const auto* t = doc.if_contains("type");
      t != nullptr && !(t->is_string() && t->get_string() == "Subscription")) {
    return BadRequestData("type must be Subscription");
  }
  RENKEI_TRY_VOID(ParseEntities(doc, ld));
  RENKEI_TRY(sub.condition_attrs, NameList(doc, "watchedAttributes", terms));
  RENKEI_TRY(ld.time_interval, OptSeconds(doc, "timeInterval"));
  RENKEI_TRY(sub.throttling, OptSeconds(doc, "throttling"));
  if (ld.entities.empty() && sub.condition_attrs.empty()) {
    return BadRequestData("a subscription needs entities or watchedAttributes");
  }
  if (ld.time_interval && !sub.condition_attrs.empty()) {
    return BadRequestData("timeInterval and watchedAttributes are exclusive");
  }
  if (ld.time_interval && sub.throttling) {
    return BadRequestData("timeInterval and throttling are exclusive");
  }
  RENKEI_TRY(auto q, OptText(doc, "q"));
  ld.q = http::PercentDecoded(q.value_or(""));
  RENKEI_TRY(auto scope_q, OptText(doc, "scopeQ"));
  if (scope_q) {
    RENKEI_TRY_VOID(core::q::ParseLdScopeQuery(*scope_q));
    ld.scope_q = *scope_q;
  }
  RENKEI_TRY_VOID(ParseGeoQ(doc, terms, ld));
  RENKEI_TRY_VOID(ParseTriggers(doc, ld));
  RENKEI_TRY_VOID(ParseNotification(doc, terms, max_join_level, sub));
  RENKEI_TRY(ld.lang, OptText(doc, "lang"));
  RENKEI_TRY(auto description, OptText(doc, "description"));
  sub.description = description.value_or("");
  RENKEI_TRY(auto expires, OptText(doc, "expiresAt"));
  if (expires) {
    sub.expires = base::ParseIso8601(*expires);
    if (!sub.expires) return BadRequestData("expiresAt is not a DateTime: " + *expires);
    if (expires_checked && sub.expires->millis <= now.millis) {
      return BadRequestData("expiresAt is in the past: " + *expires);
    }
  }
  RENKEI_TRY(const bool active, OptBool(doc, "isActive", true));
  sub.status = active ? "active" : "inactive";
  RENKEI_TRY(auto jsonld_context, OptText(doc, "jsonldContext"));
  if (jsonld_context) {
    if (!core::jsonld::IsAbsoluteIri(*jsonld_context)) {
      return BadRequestData("jsonldContext must be a URI: " + *jsonld_context);
    }
    user_context = json::string(*jsonld_context);
  }
  ld.context = std::move(user_context);
  ld.terms = std::move(terms);
  ld.document = std::move(doc);
  return sub;
}

}  // namespace

base::Result<notify::Subscription> ParseLdSubscription(const json::object& body,
                                                       const core::jsonld::ActiveContext& context,
                                                       const json::value& user_context,
                                                       base::Timestamp now,
                                                       std::size_t max_join_level) {
  json::object doc = body;
  doc.erase("@context");
  std::string id;
  if (const auto* v = doc.if_contains("id")) {
    if (!v->is_string() || !core::jsonld::IsAbsoluteIri(v->get_string())) {
      return BadRequestData("the subscription id must be a URI");
    }
    id = std::string(v->get_string());
  }
  doc.erase("id");
  Terms terms;
  RENKEI_TRY_VOID(CollectTerms(doc, context, terms));
  RENKEI_TRY(auto sub, FromDocument(std::move(doc), std::move(terms), user_context, now,
                                    /*expires_checked=*/true, max_join_level));
  sub.id = std::move(id);
  return sub;
}

base::Result<void> MergeLdSubscription(const json::object& fragment,
                                       const core::jsonld::ActiveContext& context,
                                       base::Timestamp now, std::size_t max_join_level,
                                       notify::Subscription& sub) {
  if (!sub.ld) return BadRequestData("not an NGSI-LD subscription");
  json::object doc = sub.ld->document;
  for (const auto& [key, value] : fragment) {
    if (key == "@context") continue;
    if (key == "id") {
      if (!value.is_string() || value.get_string() != sub.id) {
        return BadRequestData("the subscription id cannot be changed");
      }
      continue;
    }
    // §5.8.2: each member of the fragment replaces the target's member of that name whole
    // (`notification` too: a fragment without its endpoint is an invalid subscription, 400);
    // null removes it.
    if (value.is_null()) {
      doc.erase(key);
    } else {
      doc[key] = value;
    }
  }
  Terms terms = sub.ld->terms;
  RENKEI_TRY_VOID(CollectTerms(fragment, context, terms));
  // §5.8.2: giving expiresAt (in the future) re-activates an expired subscription; the
  // status itself follows isActive and expiresAt.
  RENKEI_TRY(auto merged, FromDocument(std::move(doc), std::move(terms), sub.ld->context, now,
                                       fragment.contains("expiresAt"), max_join_level));
  merged.id = sub.id;
  sub = std::move(merged);
  return base::Ok();
}

}  // namespace renkei::api::ngsild
