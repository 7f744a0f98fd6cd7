#include "notify/subscription_codec.hpp"

#include "core/json_parse.hpp"
#include "core/json_text.hpp"
#include "notify/json_members.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;
using json_members::OptStr;
using json_members::Pairs;
using json_members::Str;

json::array Strings(const std::vector<std::string>& list) {
  json::array out;
  for (const auto& s : list) out.emplace_back(s);
  return out;
}

void EncodePayload(const CustomPayload& payload, json::object& out) {
  switch (payload.kind) {
    case PayloadKind::kDefault:
      break;
    case PayloadKind::kText:
      out["payload"] = payload.text;
      break;
    case PayloadKind::kNone:
      out["payload"] = nullptr;
      break;
    case PayloadKind::kJson:
      out["json"] = payload.json;
      break;
    case PayloadKind::kNgsi:
      out["ngsi"] = payload.json;
      break;
  }
}

json::object EncodeHttp(const HttpReceiver& http) {
  json::object out;
  out["url"] = http.url;
  if (http.timeout_ms > 0) out["timeout"] = http.timeout_ms;
  if (!http.custom) return out;
  if (!http.method.empty()) out["method"] = http.method;
  if (!http.headers.empty()) out["headers"] = Pairs(http.headers);
  if (!http.qs.empty()) out["qs"] = Pairs(http.qs);
  EncodePayload(http.payload, out);
  return out;
}

json::object EncodeMqtt(const MqttReceiver& mqtt, bool hide_secrets) {
  json::object out;
  out["url"] = mqtt.url;
  out["topic"] = mqtt.topic;
  out["qos"] = mqtt.qos;
  out["retain"] = mqtt.retain;
  if (!mqtt.user.empty()) out["user"] = mqtt.user;
  if (!mqtt.passwd.empty()) out["passwd"] = hide_secrets ? "*****" : mqtt.passwd;
  if (mqtt.custom) EncodePayload(mqtt.payload, out);
  return out;
}

std::vector<std::string> StrList(const json::object& o, std::string_view key) {
  std::vector<std::string> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_array()) return out;
  for (const auto& item : v->get_array()) {
    if (item.is_string()) out.emplace_back(item.get_string());
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> PairList(const json::object& o,
                                                          std::string_view key) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_object()) return out;
  for (const auto& [k, val] : v->get_object()) {
    out.emplace_back(std::string(k), val.is_string() ? std::string(val.get_string()) : "");
  }
  return out;
}

std::int64_t Int(const json::object& o, std::string_view key, std::int64_t fallback) {
  const auto* v = o.if_contains(key);
  if (v == nullptr) return fallback;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return static_cast<std::int64_t>(v->get_uint64());
  if (v->is_double()) return static_cast<std::int64_t>(v->get_double());
  return fallback;
}

bool Bool(const json::object& o, std::string_view key, bool fallback) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_bool() ? v->get_bool() : fallback;
}

CustomPayload DecodePayload(const json::object& o) {
  CustomPayload p;
  if (const auto* v = o.if_contains("payload")) {
    if (v->is_null()) {
      p.kind = PayloadKind::kNone;
    } else if (v->is_string()) {
      p.kind = PayloadKind::kText;
      p.text = std::string(v->get_string());
    }
  } else if (const auto* j = o.if_contains("json")) {
    p.kind = PayloadKind::kJson;
    p.json = *j;
  } else if (const auto* n = o.if_contains("ngsi")) {
    p.kind = PayloadKind::kNgsi;
    p.json = *n;
  }
  return p;
}

}  // namespace

json::object EncodeSubscription(const Subscription& sub, bool hide_secrets) {
  json::object out;
  if (!sub.description.empty()) out["description"] = sub.description;
  json::object subject;
  json::array entities;
  for (const auto& e : sub.entities) {
    json::object item;
    if (e.id) item["id"] = *e.id;
    if (e.id_pattern) item["idPattern"] = *e.id_pattern;
    if (e.type) item["type"] = *e.type;
    if (e.type_pattern) item["typePattern"] = *e.type_pattern;
    entities.emplace_back(std::move(item));
  }
  subject["entities"] = std::move(entities);
  json::object condition;
  if (!sub.condition_attrs.empty()) condition["attrs"] = Strings(sub.condition_attrs);
  json::object expression;
  if (!sub.q.empty()) expression["q"] = sub.q;
  if (!sub.mq.empty()) expression["mq"] = sub.mq;
  if (!sub.georel.empty()) expression["georel"] = sub.georel;
  if (!sub.geometry.empty()) expression["geometry"] = sub.geometry;
  if (!sub.coords.empty()) expression["coords"] = sub.coords;
  if (!expression.empty()) condition["expression"] = std::move(expression);
  if (!sub.jexl_expression.empty()) condition["jexlExpression"] = sub.jexl_expression;
  if (!sub.alteration_types.empty()) {
    json::array types;
    for (auto t : sub.alteration_types) types.emplace_back(AlterationTypeName(t));
    condition["alterationTypes"] = std::move(types);
  }
  if (!sub.notify_on_metadata_change) condition["notifyOnMetadataChange"] = false;
  if (!condition.empty()) subject["condition"] = std::move(condition);
  out["subject"] = std::move(subject);

  json::object notification;
  if (!sub.attrs.empty()) notification["attrs"] = Strings(sub.attrs);
  if (!sub.except_attrs.empty()) notification["exceptAttrs"] = Strings(sub.except_attrs);
  if (!sub.metadata.empty()) notification["metadata"] = Strings(sub.metadata);
  notification["attrsFormat"] = AttrsFormatName(sub.attrs_format);
  if (sub.only_changed_attrs) notification["onlyChangedAttrs"] = true;
  if (sub.covered) notification["covered"] = true;
  if (sub.http) notification[sub.http->custom ? "httpCustom" : "http"] = EncodeHttp(*sub.http);
  if (sub.mqtt) {
    notification[sub.mqtt->custom ? "mqttCustom" : "mqtt"] = EncodeMqtt(*sub.mqtt, hide_secrets);
  }
  if (sub.max_fails_limit) notification["maxFailsLimit"] = *sub.max_fails_limit;
  out["notification"] = std::move(notification);
  if (sub.expires) out["expires"] = base::FormatIso8601(*sub.expires);
  out["status"] = sub.status;
  if (sub.throttling) out["throttling"] = *sub.throttling;
  out["servicePath"] = sub.service_path;
  if (sub.ld) out["ngsild"] = EncodeLd(*sub.ld);
  if (sub.owner) out["owner"] = EncodeOwner(*sub.owner);
  return out;
}

base::Result<Subscription> DecodeSubscription(std::string_view text) {
  json::error_code ec;
  json::value doc = core::ParseJson(text, ec);
  if (ec || !doc.is_object()) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "corrupt subscription document");
  }
  const json::object& o = doc.get_object();
  Subscription sub;
  sub.description = Str(o, "description");
  const json::object empty;
  const auto* subject_v = o.if_contains("subject");
  const json::object& subject =
      subject_v != nullptr && subject_v->is_object() ? subject_v->get_object() : empty;
  if (const auto* ents = subject.if_contains("entities"); ents != nullptr && ents->is_array()) {
    for (const auto& item : ents->get_array()) {
      if (!item.is_object()) continue;
      const auto& e = item.get_object();
      store::EntitySelector sel;
      sel.id = OptStr(e, "id");
      sel.id_pattern = OptStr(e, "idPattern");
      sel.type = OptStr(e, "type");
      sel.type_pattern = OptStr(e, "typePattern");
      sub.entities.push_back(std::move(sel));
    }
  }
  const auto* cond_v = subject.if_contains("condition");
  const json::object& cond =
      cond_v != nullptr && cond_v->is_object() ? cond_v->get_object() : empty;
  sub.condition_attrs = StrList(cond, "attrs");
  const auto* expr_v = cond.if_contains("expression");
  const json::object& expr =
      expr_v != nullptr && expr_v->is_object() ? expr_v->get_object() : empty;
  sub.q = Str(expr, "q");
  sub.mq = Str(expr, "mq");
  sub.georel = Str(expr, "georel");
  sub.geometry = Str(expr, "geometry");
  sub.coords = Str(expr, "coords");
  sub.jexl_expression = Str(cond, "jexlExpression");
  for (const auto& name : StrList(cond, "alterationTypes")) {
    if (auto t = ParseAlterationType(name)) sub.alteration_types.push_back(*t);
  }
  sub.notify_on_metadata_change = Bool(cond, "notifyOnMetadataChange", true);

  const auto* notif_v = o.if_contains("notification");
  const json::object& notif =
      notif_v != nullptr && notif_v->is_object() ? notif_v->get_object() : empty;
  sub.attrs = StrList(notif, "attrs");
  sub.except_attrs = StrList(notif, "exceptAttrs");
  sub.metadata = StrList(notif, "metadata");
  sub.attrs_format = ParseAttrsFormat(Str(notif, "attrsFormat")).value_or(AttrsFormat::kNormalized);
  sub.only_changed_attrs = Bool(notif, "onlyChangedAttrs", false);
  sub.covered = Bool(notif, "covered", false);
  for (std::string_view key : {"http", "httpCustom"}) {
    const auto* h = notif.if_contains(key);
    if (h == nullptr || !h->is_object()) continue;
    const auto& ho = h->get_object();
    HttpReceiver http;
    http.custom = key == "httpCustom";
    http.url = Str(ho, "url");
    http.timeout_ms = Int(ho, "timeout", 0);
    http.method = Str(ho, "method");
    http.headers = PairList(ho, "headers");
    http.qs = PairList(ho, "qs");
    if (http.custom) http.payload = DecodePayload(ho);
    sub.http = std::move(http);
  }
  for (std::string_view key : {"mqtt", "mqttCustom"}) {
    const auto* m = notif.if_contains(key);
    if (m == nullptr || !m->is_object()) continue;
    const auto& mo = m->get_object();
    MqttReceiver mqtt;
    mqtt.custom = key == "mqttCustom";
    mqtt.url = Str(mo, "url");
    mqtt.topic = Str(mo, "topic");
    mqtt.qos = static_cast<int>(Int(mo, "qos", 0));
    mqtt.retain = Bool(mo, "retain", false);
    mqtt.user = Str(mo, "user");
    mqtt.passwd = Str(mo, "passwd");
    if (mqtt.custom) mqtt.payload = DecodePayload(mo);
    sub.mqtt = std::move(mqtt);
  }
  if (notif.contains("maxFailsLimit")) sub.max_fails_limit = Int(notif, "maxFailsLimit", 0);
  if (auto expires = OptStr(o, "expires")) sub.expires = base::ParseIso8601(*expires);
  sub.status = Str(o, "status");
  if (sub.status.empty()) sub.status = "active";
  if (o.contains("throttling")) sub.throttling = Int(o, "throttling", 0);
  if (auto path = OptStr(o, "servicePath")) sub.service_path = *path;
  if (const auto* ld = o.if_contains("ngsild"); ld != nullptr && ld->is_object()) {
    RENKEI_TRY(sub.ld, DecodeLd(ld->get_object()));
  }
  if (const auto* owner = o.if_contains("owner"); owner != nullptr && owner->is_object()) {
    RENKEI_TRY(sub.owner, DecodeOwner(owner->get_object()));
  }
  return sub;
}

}  // namespace renkei::notify
