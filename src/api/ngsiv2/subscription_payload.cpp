#include "api/ngsiv2/subscription_payload.hpp"

#include <algorithm>
#include <array>

#include "api/ngsiv2/entity_renderer.hpp"
#include "api/ngsiv2/orion_errors.hpp"
#include "api/ngsiv2/payload_parser.hpp"
#include "core/entity.hpp"
#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"
#include "core/q/pattern.hpp"
#include "http/client.hpp"
#include "notify/subscription_codec.hpp"

namespace renkei::api::ngsiv2 {
namespace {

namespace json = boost::json;
using base::Result;

base::Unexpected Bad(std::string detail) { return base::Unexpected{BadRequest(std::move(detail))}; }

Result<std::optional<std::string>> OptString(const json::object& o, std::string_view key,
                                             std::string_view what) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::optional<std::string>();
  if (!v->is_string()) return Bad(std::string(what) + " is not a string");
  return std::optional<std::string>(std::string(v->get_string()));
}

Result<std::optional<bool>> OptBool(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::optional<bool>();
  if (!v->is_bool()) return Bad(std::string(key) + " is not a bool");
  return std::optional<bool>(v->get_bool());
}

Result<std::optional<std::int64_t>> OptInt(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return std::optional<std::int64_t>();
  if (v->is_int64()) return std::optional<std::int64_t>(v->get_int64());
  if (v->is_uint64() && v->get_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get_uint64()));
  }
  if (v->is_double() &&
      v->get_double() == static_cast<double>(static_cast<std::int64_t>(v->get_double()))) {
    return std::optional<std::int64_t>(static_cast<std::int64_t>(v->get_double()));
  }
  return Bad(std::string(key) + " is not an int");
}

// A list of attribute or metadata names (Orion parseStringVector); `field` is the member name.
Result<std::vector<std::string>> NameList(const json::value& v, std::string_view field,
                                          std::string_view what) {
  if (!v.is_array()) return Bad("the field /" + std::string(field) + "/ must be a JSON array");
  std::vector<std::string> out;
  for (const auto& item : v.get_array()) {
    if (!item.is_string()) return Bad(std::string(what) + " item is not a string");
    std::string name(item.get_string());
    if (name.empty()) return Bad(std::string(what) + " item is empty");
    if (HasForbiddenChars(name)) return Bad("forbidden characters in " + std::string(what));
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      return Bad("duplicated item /" + name + "/ in array");  // Orion 2101_*
    }
    out.push_back(std::move(name));
  }
  return out;
}

// A TCP port: 1 to 65535 in decimal (Orion 2009_check_of_notification_http_url...).
bool ValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5 || port.find_first_not_of("0123456789") != port.npos) {
    return false;
  }
  const int n = std::stoi(std::string(port));
  return n >= 1 && n <= 65535;
}

// A host name as Orion's hostnameIsValid checks it (common/string.cpp, RFC 1034 §3.1): at most
// 253 characters of dot-separated labels of 1 to 63 letters, digits and hyphens, no label
// starting or ending with a hyphen (numeric IPv4 addresses pass). IPv6 literals are not
// checked, as in Orion. Case 2280 invalid_hostname_detection.
bool ValidHostname(std::string_view host) {
  if (host.find(':') != std::string_view::npos) return true;
  if (host.empty() || host.size() > 253) return false;
  std::size_t start = 0;
  for (;;) {
    const std::size_t dot = host.find('.', start);
    const std::string_view label =
        host.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    const bool clean = std::all_of(label.begin(), label.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
    });
    if (!clean) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

// Orion's parseUrl: an http(s) URL with a valid port and host name.
bool ValidNotificationUrl(std::string_view url) {
  http::ParsedUrl parsed;
  return http::ParseHttpUrl(url, parsed) && ValidPort(parsed.port) && ValidHostname(parsed.host);
}

Result<store::EntitySelector> ParseEntity(const json::value& v) {
  if (!v.is_object()) return Bad("/entities/ vector item is not an object");
  const auto& o = v.get_object();
  if (!o.contains("id") && !o.contains("idPattern")) {
    return Bad("/entities/ vector item does not have /id/ nor /idPattern/");
  }
  if (o.contains("id") && o.contains("idPattern")) {
    return Bad("/entities/ vector item has both /id/ and /idPattern/");
  }
  if (o.contains("type") && o.contains("typePattern")) {
    return Bad("/entities/ element has both /type/ and /typePattern/");
  }
  store::EntitySelector sel;
  // Orion's wording, slashes and all (src/lib/jsonParseV2/parseEntitiesVector.cpp).
  RENKEI_TRY(sel.id, OptString(o, "id", "/entities/ vector item /id/"));
  RENKEI_TRY(sel.id_pattern, OptString(o, "idPattern", "/entities/ vector item /idPattern/"));
  RENKEI_TRY(sel.type, OptString(o, "type", "/entities/ vector item type"));
  RENKEI_TRY(sel.type_pattern, OptString(o, "typePattern", "/entities/ vector item /typePattern/"));
  if (sel.id) {
    if (sel.id->empty()) return Bad("/entities/ element id is empty");
    if (sel.id->size() > kMaxIdentifierLength) {
      return Bad("max id length exceeded in /entities/ vector item /id/");
    }
    // Orion's identifier rules (printable ASCII, no blanks, & ? / # or <>"'=;()).
    if (!ValidateIdentifier(*sel.id, "entity id")) {
      return Bad("forbidden characters in /entities/ vector item /id/");
    }
  }
  if (sel.id_pattern) {
    if (sel.id_pattern->empty()) return Bad("/entities/ vector item /idPattern/ is empty");
    if (!core::q::CompilePattern(*sel.id_pattern, std::regex::ECMAScript)) {
      return Bad("Invalid regex for entity idPattern");
    }
  }
  if (sel.type) {
    if (sel.type->empty()) return Bad("entity type length: 0, min length supported: 1");
    if (sel.type->size() > kMaxIdentifierLength) {
      return Bad("max type length exceeded in /entities/ vector item /type/");
    }
    if (!ValidateIdentifier(*sel.type, "entity type")) {
      return Bad("forbidden characters in /entities/ vector item /type/");
    }
  }
  if (sel.type_pattern) {
    if (sel.type_pattern->empty()) return Bad("/entities/ vector item /typePattern/ is empty");
    if (!core::q::CompilePattern(*sel.type_pattern, std::regex::ECMAScript)) {
      return Bad("Invalid regex for entity typePattern");
    }
  }
  return sel;
}

Result<void> ParseExpression(const json::value& v, notify::Subscription& sub) {
  if (!v.is_object()) return Bad("expression is not an object");
  const auto& o = v.get_object();
  if (o.empty()) return Bad("expression is empty");
  for (const auto& [key, value] : o) {
    if (key != "q" && key != "mq" && key != "georel" && key != "geometry" && key != "coords") {
      return Bad("unrecognized field in expression: /" + std::string(key) + "/");
    }
    // Orion case 1947_1972_invalid_subs_crash: "q is not a string".
    if (!value.is_string()) return Bad(std::string(key) + " is not a string");
    if (value.get_string().empty()) return Bad("expression " + std::string(key) + " is empty");
  }
  auto str = [&](std::string_view k) {
    const auto* x = o.if_contains(k);
    return x != nullptr ? std::string(x->get_string()) : std::string();
  };
  sub.q = str("q");
  sub.mq = str("mq");
  sub.georel = str("georel");
  sub.geometry = str("geometry");
  sub.coords = str("coords");
  if (!sub.q.empty()) {
    RENKEI_TRY_VOID(core::q::ParseV2Query(sub.q));
  }
  if (!sub.mq.empty()) {
    RENKEI_TRY_VOID(core::q::ParseV2MetadataQuery(sub.mq));
  }
  const int geo =
      (sub.georel.empty() ? 0 : 1) + (sub.geometry.empty() ? 0 : 1) + (sub.coords.empty() ? 0 : 1);
  if (geo != 0 && geo != 3) {
    return Bad("partial geo expression: geometry, georel and coords have to be provided together");
  }
  if (geo == 3) {
    auto parsed = core::geo::ParseV2GeoQuery(sub.georel, sub.geometry, sub.coords);
    if (!parsed) return Bad("error parsing geo-query fields: " + parsed.error().detail);
  }
  return base::Ok();
}

Result<void> ParseSubject(const json::value& v, notify::Subscription& sub) {
  if (!v.is_object()) return Bad("subject is not an object");
  const auto& o = v.get_object();
  const auto* entities = o.if_contains("entities");
  if (entities == nullptr) return Bad("no subject entities specified");
  if (!entities->is_array()) return Bad("/entities/ is not an array");
  if (entities->get_array().empty()) return Bad("subject entities is empty");
  sub.entities.clear();
  for (const auto& e : entities->get_array()) {
    RENKEI_TRY(auto sel, ParseEntity(e));
    sub.entities.push_back(std::move(sel));
  }
  sub.condition_attrs.clear();
  sub.q.clear();
  sub.mq.clear();
  sub.georel.clear();
  sub.geometry.clear();
  sub.coords.clear();
  sub.jexl_expression.clear();
  sub.alteration_types.clear();
  sub.notify_on_metadata_change = true;
  const auto* condition = o.if_contains("condition");
  if (condition == nullptr) return base::Ok();
  if (!condition->is_object()) return Bad("condition is not an object");
  const auto& c = condition->get_object();
  if (c.empty()) return Bad("condition is empty");
  if (const auto* attrs = c.if_contains("attrs")) {
    RENKEI_TRY(sub.condition_attrs, NameList(*attrs, "attrs", "condition attrs"));
  }
  if (const auto* expression = c.if_contains("expression")) {
    RENKEI_TRY_VOID(ParseExpression(*expression, sub));
  }
  // Orion 4555: any text is accepted; one that does not parse never matches.
  RENKEI_TRY(auto jexl, OptString(c, "jexlExpression", "jexlExpression"));
  if (jexl) sub.jexl_expression = *jexl;
  if (const auto* types = c.if_contains("alterationTypes")) {
    if (!types->is_array()) return Bad("alterationTypes is not an array");
    for (const auto& t : types->get_array()) {
      if (!t.is_string()) return Bad("alterationTypes item is not a string");
      auto parsed = notify::ParseAlterationType(t.get_string());
      if (!parsed) {
        return Bad("unknown subscription alterationType: " + std::string(t.get_string()));
      }
      sub.alteration_types.push_back(*parsed);
    }
  }
  RENKEI_TRY(auto on_md, OptBool(c, "notifyOnMetadataChange"));
  if (on_md) sub.notify_on_metadata_change = *on_md;
  return base::Ok();
}

constexpr std::array<std::string_view, 9> kMethods = {"GET",  "PUT",     "POST",  "DELETE", "PATCH",
                                                      "HEAD", "OPTIONS", "TRACE", "CONNECT"};

// `allow_quotes`: ' and " are accepted in the values (httpCustom headers, for quoted
// strings in JEXL expressions: Orion case 4779 http_custom_header_jexl_quotes).
Result<std::vector<std::pair<std::string, std::string>>> StringMap(const json::object& o,
                                                                   std::string_view key,
                                                                   std::string_view holder,
                                                                   bool allow_quotes = false) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr) return out;
  const std::string where = "notification " + std::string(holder) + " " + std::string(key);
  if (!v->is_object()) return Bad(where + " is not an object");
  if (v->get_object().empty()) return Bad(where + " is empty");
  for (const auto& [k, val] : v->get_object()) {
    if (!val.is_string()) return Bad(where + " value is not a string");
    // Orion case 2015 notification_templates_error_handling: the general forbidden characters
    // apply to qs and headers values too (percent-encoded ones are decoded at send time).
    std::string checked(val.get_string());
    if (allow_quotes) std::erase_if(checked, [](char c) { return c == '\'' || c == '"'; });
    if (HasForbiddenChars(checked)) return Bad("forbidden characters in custom " + where);
    out.emplace_back(std::string(k), std::string(val.get_string()));
  }
  return out;
}

// Orion "Evaluation priority": the only metadata an `ngsi` attribute may carry is
// evalPriority, a number from 1 to 100000 (texts of Orion case 4556 eval_priority_crud_and_errors
// and 4085 custom_notification_http_ngsi_errors).
Result<void> CheckNgsiMetadata(const json::value& metadata) {
  constexpr std::string_view kOnlyEvalPriority =
      "only evalPriority metadata is allowed in ngsi field in custom notifications";
  if (!metadata.is_object()) return Bad(std::string(kOnlyEvalPriority));
  for (const auto& [name, md] : metadata.get_object()) {
    if (name != "evalPriority") return Bad(std::string(kOnlyEvalPriority));
    const auto* value = md.is_object() ? md.get_object().if_contains("value") : nullptr;
    if (value == nullptr || !value->is_number()) {
      return Bad("evalPriority metadata must be a number");
    }
    const double priority = value->to_number<double>();
    if (priority < 1) return Bad("evalPriority metadata minimum priority is 1");
    if (priority > 100000) return Bad("evalPriority metadata maximum priority is 100000");
  }
  return base::Ok();
}

Result<notify::CustomPayload> ParseCustomPayload(const json::object& o) {
  notify::CustomPayload p;
  const int n =
      (o.contains("payload") ? 1 : 0) + (o.contains("json") ? 1 : 0) + (o.contains("ngsi") ? 1 : 0);
  if (n > 1) {
    return Bad(
        "only one of payload, json or ngsi fields accepted at the same time in httpCustom, "
        "mqttCustom or kafkaCustom");
  }
  if (const auto* payload = o.if_contains("payload")) {
    if (payload->is_null()) {
      p.kind = notify::PayloadKind::kNone;
    } else if (!payload->is_string()) {
      return Bad("payload custom notification is not a string");
    } else if (!payload->get_string().empty()) {
      // Orion: the general forbidden characters apply; clients percent-encode them.
      if (HasForbiddenChars(payload->get_string())) {
        return Bad("forbidden characters in custom /payload/");
      }
      p.kind = notify::PayloadKind::kText;
      p.text = std::string(payload->get_string());
    }
  } else if (const auto* j = o.if_contains("json")) {
    if (!j->is_object() && !j->is_array()) {
      return Bad("json fields in httpCustom, mqttCustom or kafkaCustom must be object or array");
    }
    p.kind = notify::PayloadKind::kJson;
    p.json = *j;
  } else if (const auto* ngsi = o.if_contains("ngsi")) {
    if (!ngsi->is_object()) return Bad("ngsi field must be an object");
    for (const auto& [k, v] : ngsi->get_object()) {
      if (k == "id" && !v.is_string()) return Bad("Invalid JSON type for entity id");
      if (k == "type" && !v.is_string()) return Bad("Invalid JSON type for entity type");
      if (const auto* attr = v.if_object()) {
        if (const auto* t = attr->if_contains("type"); t != nullptr && !t->is_string()) {
          return Bad("invalid JSON type for attribute type");
        }
        if (const auto* md = attr->if_contains("metadata")) RENKEI_TRY_VOID(CheckNgsiMetadata(*md));
      }
    }
    p.kind = notify::PayloadKind::kNgsi;
    p.json = *ngsi;
    // Orion fills the default type of an attribute given without one at creation, as for
    // entities (Orion case 4085 ngsi_attr_no_type: GET shows "Number", "Text", ...).
    for (auto& [k, v] : p.json.get_object()) {
      auto* attr = v.if_object();
      if (k == "id" || k == "type" || attr == nullptr || attr->contains("type")) continue;
      if (const auto* value = attr->if_contains("value")) {
        (*attr)["type"] = core::DefaultV2AttributeType(*value);
      }
    }
  }
  return p;
}

Result<notify::HttpReceiver> ParseHttp(const json::value& v, bool custom) {
  const std::string holder = custom ? "httpCustom" : "http";
  if (!v.is_object()) return Bad(holder + " notification is not an object");
  const auto& o = v.get_object();
  notify::HttpReceiver http;
  http.custom = custom;
  RENKEI_TRY(auto url, OptString(o, "url", "url " + holder + " notification"));
  if (!url) return Bad("url " + holder + " notification is missing");
  http.url = *url;
  if (url->starts_with("mqtt://")) return Bad("mqtt URL cannot be used in http notifications");
  if (url->starts_with("kafka://")) return Bad("kafka URL cannot be used in http notifications");
  if (!custom) {
    if (HasForbiddenChars(*url)) return Bad("forbidden characters in http field /url/");
    if (!ValidNotificationUrl(*url)) return Bad("Invalid URL parsing notification url");
  } else {
    if (HasForbiddenChars(*url)) return Bad("forbidden characters in custom /url/");
    // A templated URL is checked after substitution, at notification time.
    if (url->find("${") == std::string::npos && !ValidNotificationUrl(*url)) {
      return Bad("invalid custom /url/");
    }
  }
  RENKEI_TRY(auto timeout, OptInt(o, "timeout"));
  if (timeout) {
    if (*timeout < 0 || *timeout > kMaxHttpTimeoutMs) {
      return Bad("timeout field must be an integer between 0 and " +
                 std::to_string(kMaxHttpTimeoutMs));
    }
    http.timeout_ms = *timeout;
  }
  if (!custom) return http;
  RENKEI_TRY(auto method, OptString(o, "method", "method httpCustom notification"));
  if (method) {
    if (std::find(kMethods.begin(), kMethods.end(), *method) == kMethods.end()) {
      return Bad("unknown method httpCustom notification");
    }
    http.method = *method;
  }
  RENKEI_TRY(http.qs, StringMap(o, "qs", "httpCustom"));
  RENKEI_TRY(http.headers, StringMap(o, "headers", "httpCustom", true));
  RENKEI_TRY(http.payload, ParseCustomPayload(o));
  return http;
}

Result<notify::MqttReceiver> ParseMqtt(const json::value& v, bool custom) {
  const std::string holder = custom ? "mqttCustom" : "mqtt";
  if (!v.is_object()) return Bad(holder + " notification is not an object");
  const auto& o = v.get_object();
  notify::MqttReceiver mqtt;
  mqtt.custom = custom;
  RENKEI_TRY(auto url, OptString(o, "url", "url mqtt notification"));
  if (!url) return Bad("mandatory mqtt field /url/");
  if (HasForbiddenChars(*url)) return Bad("forbidden characters in mqtt field /url/");
  if (url->starts_with("http://") || url->starts_with("https://")) {
    return Bad("http or https URL cannot be used in mqtt notifications");
  }
  if (!url->starts_with("mqtt://") || url->size() <= 7) return Bad("invalid mqtt /url/");
  const std::string_view rest = std::string_view(*url).substr(7);
  const auto slash = rest.find('/');
  if (slash != std::string_view::npos && slash + 1 != rest.size()) {
    return Bad("path cannot be used in mqtt url, use topic instead");
  }
  mqtt.url = *url;
  RENKEI_TRY(auto topic, OptString(o, "topic", "topic mqtt notification"));
  if (!topic) return Bad("mandatory mqtt field /topic/");
  if (topic->empty()) return Bad("empty mqtt field /topic/");
  if (topic->find_first_of("+#") != std::string::npos) {
    return Bad("+ and # are not allowed in mqtt field /topic/");
  }
  if (HasForbiddenChars(*topic)) return Bad("forbidden characters in mqtt field /topic/");
  mqtt.topic = *topic;
  RENKEI_TRY(auto qos, OptInt(o, "qos"));
  if (qos) {
    if (*qos < 0 || *qos > 2) return Bad("mqtt qos field must be an integer in the 0 to 2 range");
    mqtt.qos = static_cast<int>(*qos);
  }
  RENKEI_TRY(auto retain, OptBool(o, "retain"));
  mqtt.retain = retain.value_or(false);
  RENKEI_TRY(auto user, OptString(o, "user", "user mqtt notification"));
  RENKEI_TRY(auto passwd, OptString(o, "passwd", "passwd mqtt notification"));
  if (user.has_value() != passwd.has_value()) {
    return Bad("you must use user and passwd fields simultaneously");
  }
  if (user && HasForbiddenChars(*user)) return Bad("forbidden characters in mqtt /user/");
  mqtt.user = user.value_or("");
  mqtt.passwd = passwd.value_or("");
  if (custom) {
    RENKEI_TRY(mqtt.payload, ParseCustomPayload(o));
  }
  return mqtt;
}

Result<void> ParseNotification(const json::value& v, notify::Subscription& sub) {
  if (!v.is_object()) return Bad("notification is not an object");
  const auto& o = v.get_object();
  int receivers = 0;
  for (std::string_view k : {"http", "httpCustom", "mqtt", "mqttCustom", "kafka", "kafkaCustom"}) {
    if (o.contains(k)) ++receivers;
  }
  if (receivers > 1) {
    return Bad("only one of http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is allowed");
  }
  if (receivers == 0)
    return Bad("http, httpCustom, mqtt, mqttCustom, kafka or kafkaCustom is missing");
  if (o.contains("kafka") || o.contains("kafkaCustom")) {
    return Bad("kafka notifications are not supported by this broker");
  }
  sub.http.reset();
  sub.mqtt.reset();
  if (const auto* h = o.if_contains("http")) {
    RENKEI_TRY(sub.http, ParseHttp(*h, false));
  } else if (const auto* hc = o.if_contains("httpCustom")) {
    RENKEI_TRY(sub.http, ParseHttp(*hc, true));
  } else if (const auto* m = o.if_contains("mqtt")) {
    RENKEI_TRY(sub.mqtt, ParseMqtt(*m, false));
  } else if (const auto* mc = o.if_contains("mqttCustom")) {
    RENKEI_TRY(sub.mqtt, ParseMqtt(*mc, true));
  }
  if (o.contains("attrs") && o.contains("exceptAttrs")) {
    return Bad("http notification has attrs and exceptAttrs");
  }
  sub.attrs.clear();
  sub.except_attrs.clear();
  if (const auto* attrs = o.if_contains("attrs")) {
    RENKEI_TRY(sub.attrs, NameList(*attrs, "attrs", "notification attrs"));
  } else if (const auto* except = o.if_contains("exceptAttrs")) {
    RENKEI_TRY(sub.except_attrs, NameList(*except, "exceptAttrs", "notification exceptAttrs"));
    if (sub.except_attrs.empty()) return Bad("http notification has exceptAttrs is empty");
  }
  sub.metadata.clear();
  if (const auto* md = o.if_contains("metadata")) {
    RENKEI_TRY(sub.metadata, NameList(*md, "metadata", "notification metadata"));
  }
  RENKEI_TRY(auto only_changed, OptBool(o, "onlyChangedAttrs"));
  sub.only_changed_attrs = only_changed.value_or(false);
  RENKEI_TRY(auto covered, OptBool(o, "covered"));
  sub.covered = covered.value_or(false);
  if (sub.covered && sub.attrs.empty()) {
    return Bad("covered true cannot be used if notification attributes list is empty");
  }
  RENKEI_TRY(auto format, OptString(o, "attrsFormat", "attrsFormat"));
  sub.attrs_format = notify::AttrsFormat::kNormalized;
  if (format) {
    auto parsed = notify::ParseAttrsFormat(*format);
    if (!parsed) {
      return Bad(
          "invalid attrsFormat, accepted values: normalized, simplifiedNormalized, keyValues, "
          "simplifiedkeyValues, values");
    }
    sub.attrs_format = *parsed;
  }
  RENKEI_TRY(auto max_fails, OptInt(o, "maxFailsLimit"));
  sub.max_fails_limit.reset();
  if (max_fails) {
    if (*max_fails <= 0) return Bad("maxFailsLimit must be greater than zero");
    sub.max_fails_limit = *max_fails;
  }
  return base::Ok();
}

// Orion keeps a subscription's notification times in whole seconds and renders them as
// `...:05.000Z` (case 1126 sub_from_active_to_fail); NGSIv2 clients see the same here. The
// store keeps milliseconds, and NGSI-LD renders them.
void PutTime(json::object& o, std::string_view key, const std::optional<base::Timestamp>& t) {
  if (!t) return;
  const std::int64_t below_second = ((t->millis % 1000) + 1000) % 1000;
  o[key] = base::FormatIso8601(base::Timestamp{t->millis - below_second});
}

// `expires` as Orion reads it: ISO 8601, but an offset may also be written `+01.00` (case 2303
// subs_with_invalid_expires_dates) and a year before 1900 is refused (case 4541; Orion converts
// through struct tm). A subscription's expiry is the one date where Orion's clients send these.
std::optional<base::Timestamp> ParseExpires(std::string text) {
  if (text.size() > 6) {
    char* offset = &text[text.size() - 6];
    const auto digit = [](char c) { return c >= '0' && c <= '9'; };
    if ((offset[0] == '+' || offset[0] == '-') && digit(offset[1]) && digit(offset[2]) &&
        offset[3] == '.' && digit(offset[4]) && digit(offset[5])) {
      offset[3] = ':';
    }
  }
  constexpr std::int64_t kYear1900Millis = -2208988800000;  // 1900-01-01T00:00:00Z
  auto t = base::ParseIso8601(text);
  if (!t || t->millis < kYear1900Millis) return std::nullopt;
  return t;
}

}  // namespace

Result<void> ApplySubscriptionPayload(const json::value& body, bool create,
                                      notify::Subscription& sub) {
  if (!body.is_object())
    return base::Unexpected{ParseError("Errors found in incoming JSON buffer")};
  const auto& o = body.get_object();
  if (o.empty()) return Bad("empty payload");
  RENKEI_TRY(auto description, OptString(o, "description", "description"));
  if (description) {
    if (description->size() > kMaxDescriptionLength) return Bad("max description length exceeded");
    if (HasForbiddenChars(*description)) return Bad("forbidden characters in description");
    sub.description = *description;
  }
  if (const auto* subject = o.if_contains("subject")) {
    RENKEI_TRY_VOID(ParseSubject(*subject, sub));
  } else if (create) {
    return Bad("no subject for subscription specified");
  }
  if (const auto* notification = o.if_contains("notification")) {
    RENKEI_TRY_VOID(ParseNotification(*notification, sub));
  } else if (create) {
    return Bad("no notification for subscription specified");
  }
  RENKEI_TRY(auto expires, OptString(o, "expires", "expires"));
  if (expires && expires->empty()) {
    sub.expires.reset();  // Orion 1949_permanent_subscriptions: "" makes it permanent
  } else if (expires) {
    auto t = ParseExpires(*expires);
    if (!t) return Bad("expires has an invalid format");
    sub.expires = *t;
  } else if (const auto* v = o.if_contains("expires"); v != nullptr && v->is_null()) {
    sub.expires.reset();
  }
  RENKEI_TRY(auto status, OptString(o, "status", "status"));
  if (status) {
    if (*status != "active" && *status != "inactive" && *status != "oneshot") {
      return Bad("status is not valid: it has to be either active, inactive or oneshot");
    }
    sub.status = *status;
  }
  RENKEI_TRY(auto throttling, OptInt(o, "throttling"));
  if (throttling) {
    if (*throttling < 0) return Bad("throttling must be a non-negative number");
    sub.throttling = *throttling;
  }
  return base::Ok();
}

json::value RenderNotifiedEntity(const core::Entity& entity, const notify::RenderRequest& request) {
  RenderOptions options;
  options.format = request.format == notify::AttrsFormat::kKeyValues ? RenderFormat::kKeyValues
                   : request.format == notify::AttrsFormat::kValues  ? RenderFormat::kValues
                                                                     : RenderFormat::kNormalized;
  options.attrs = request.attrs;
  options.metadata = request.metadata;
  if (options.format == RenderFormat::kValues) {
    // Orion "Notification Messages": values mode renders the attribute values alone.
    return RenderAttributes(entity, options);
  }
  return RenderEntity(entity, options);
}

json::object RenderSubscription(const service::SubscriptionView& view, base::Timestamp now) {
  const notify::Subscription& sub = view.subscription;
  json::object stored = notify::EncodeSubscription(sub, /*hide_secrets=*/true);
  json::object out;
  out["id"] = sub.id;
  if (auto* d = stored.if_contains("description")) out["description"] = *d;
  // Orion always renders the condition with its attrs and notifyOnMetadataChange.
  json::object subject = stored.at("subject").as_object();
  json::object condition;
  if (auto* c = subject.if_contains("condition")) condition = c->as_object();
  if (!condition.contains("attrs")) condition["attrs"] = json::array();
  condition["notifyOnMetadataChange"] = sub.notify_on_metadata_change;
  subject["condition"] = std::move(condition);
  out["subject"] = std::move(subject);
  json::object notification = stored.at("notification").as_object();
  if (!notification.contains("attrs") && !notification.contains("exceptAttrs")) {
    notification["attrs"] = json::array();
  }
  notification["onlyChangedAttrs"] = sub.only_changed_attrs;
  notification["covered"] = sub.covered;
  const store::SubscriptionState& st = view.state;
  if (st.times_sent > 0) notification["timesSent"] = st.times_sent;
  PutTime(notification, "lastNotification", st.last_notification);
  PutTime(notification, "lastFailure", st.last_failure);
  // Orion gives a reason for HTTP receivers only (its MQTT notifier records none, case 3541
  // mqtt_subscription_without_maxfailslimit_and_failscounter); the MQTT reason is in the
  // debug log ("notification attempt failed").
  if (st.last_failure && !st.last_failure_reason.empty() && !sub.mqtt) {
    notification["lastFailureReason"] = st.last_failure_reason;
  }
  PutTime(notification, "lastSuccess", st.last_success);
  if (st.last_success_code) notification["lastSuccessCode"] = *st.last_success_code;
  if (st.fails_counter > 0) notification["failsCounter"] = st.fails_counter;
  out["notification"] = std::move(notification);
  if (auto* e = stored.if_contains("expires")) out["expires"] = *e;
  // Orion API manual: "For expired subscriptions, this attribute is set to expired".
  const bool expired = sub.expires && sub.expires->millis <= now.millis;
  out["status"] = expired ? std::string("expired") : st.status;
  // Orion renders throttling only when it is positive (apiTypesV2/Subscription.cpp; case 2163
  // bug_attrs_format_not_stored creates one with "throttling": 0 and reads none back).
  if (sub.throttling && *sub.throttling > 0) out["throttling"] = *sub.throttling;
  return out;
}

}  // namespace renkei::api::ngsiv2
