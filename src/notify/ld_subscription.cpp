#include "notify/ld_subscription.hpp"

#include <array>

#include "notify/json_members.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;
using json_members::OptStr;
using json_members::Pairs;
using json_members::Str;

constexpr std::array<std::pair<LdTrigger, std::string_view>, 6> kTriggers = {{
    {LdTrigger::kEntityCreated, "entityCreated"},
    {LdTrigger::kEntityUpdated, "entityUpdated"},
    {LdTrigger::kEntityDeleted, "entityDeleted"},
    {LdTrigger::kAttributeCreated, "attributeCreated"},
    {LdTrigger::kAttributeUpdated, "attributeUpdated"},
    {LdTrigger::kAttributeDeleted, "attributeDeleted"},
}};

std::vector<std::pair<std::string, std::string>> PairsOf(const json::value* v) {
  std::vector<std::pair<std::string, std::string>> out;
  if (v == nullptr || !v->is_object()) return out;
  for (const auto& [k, val] : v->get_object()) {
    if (val.is_string()) out.emplace_back(std::string(k), std::string(val.get_string()));
  }
  return out;
}

}  // namespace

std::string_view LdTriggerName(LdTrigger trigger) {
  for (const auto& [t, name] : kTriggers) {
    if (t == trigger) return name;
  }
  return "attributeUpdated";
}

std::optional<LdTrigger> ParseLdTrigger(std::string_view name) {
  for (const auto& [t, n] : kTriggers) {
    if (n == name) return t;
  }
  return std::nullopt;
}

std::vector<LdTrigger> EffectiveTriggers(const LdSubscription& ld) {
  if (!ld.triggers.empty()) return ld.triggers;
  // §5.2.12: "If not present, the default is attributeCreated and attributeUpdated".
  return {LdTrigger::kAttributeCreated, LdTrigger::kAttributeUpdated};
}

json::object EncodeLd(const LdSubscription& ld) {
  json::object out;
  out["document"] = ld.document;
  out["context"] = ld.context;
  out["terms"] = Pairs(ld.terms);
  json::array entities;
  for (const auto& e : ld.entities) {
    json::object o;
    if (e.id) o["id"] = *e.id;
    if (e.id_pattern) o["idPattern"] = *e.id_pattern;
    o["type"] = e.type;
    entities.push_back(std::move(o));
  }
  out["entities"] = std::move(entities);
  if (!ld.q.empty()) out["q"] = ld.q;
  if (!ld.scope_q.empty()) out["scopeQ"] = ld.scope_q;
  if (ld.geo_q) {
    out["geoQ"] = json::object{{"geometry", ld.geo_q->geometry},
                               {"coordinates", ld.geo_q->coordinates},
                               {"georel", ld.geo_q->georel},
                               {"geoproperty", ld.geo_q->geoproperty}};
  }
  json::array triggers;
  for (const auto t : ld.triggers) triggers.emplace_back(LdTriggerName(t));
  out["triggers"] = std::move(triggers);
  out["format"] = ld.format;
  out["showChanges"] = ld.show_changes;
  out["sysAttrs"] = ld.sys_attrs;
  if (ld.lang) out["lang"] = *ld.lang;
  out["accept"] = ld.accept;
  out["receiverInfo"] = Pairs(ld.receiver_info);
  if (ld.time_interval) out["timeInterval"] = *ld.time_interval;
  if (!ld.join.empty()) {
    out["join"] = ld.join;
    out["joinLevel"] = ld.join_level;
  }
  return out;
}

base::Result<LdSubscription> DecodeLd(const json::object& o) {
  LdSubscription ld;
  const auto* document = o.if_contains("document");
  if (document == nullptr || !document->is_object()) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "stored NGSI-LD subscription without document");
  }
  ld.document = document->get_object();
  if (const auto* c = o.if_contains("context")) ld.context = *c;
  ld.terms = PairsOf(o.if_contains("terms"));
  if (const auto* es = o.if_contains("entities"); es != nullptr && es->is_array()) {
    for (const auto& e : es->get_array()) {
      if (!e.is_object()) continue;
      LdEntitySelector s;
      s.id = OptStr(e.get_object(), "id");
      s.id_pattern = OptStr(e.get_object(), "idPattern");
      s.type = Str(e.get_object(), "type");
      ld.entities.push_back(std::move(s));
    }
  }
  ld.q = Str(o, "q");
  ld.scope_q = Str(o, "scopeQ");
  if (const auto* g = o.if_contains("geoQ"); g != nullptr && g->is_object()) {
    const auto& go = g->get_object();
    ld.geo_q = LdGeoQuery{Str(go, "geometry"), Str(go, "coordinates"), Str(go, "georel"),
                          Str(go, "geoproperty")};
  }
  if (const auto* ts = o.if_contains("triggers"); ts != nullptr && ts->is_array()) {
    for (const auto& t : ts->get_array()) {
      if (!t.is_string()) continue;
      if (auto parsed = ParseLdTrigger(t.get_string())) ld.triggers.push_back(*parsed);
    }
  }
  ld.format = Str(o, "format");
  if (ld.format.empty()) ld.format = "normalized";
  if (const auto* v = o.if_contains("showChanges"); v != nullptr && v->is_bool()) {
    ld.show_changes = v->get_bool();
  }
  if (const auto* v = o.if_contains("sysAttrs"); v != nullptr && v->is_bool()) {
    ld.sys_attrs = v->get_bool();
  }
  ld.lang = OptStr(o, "lang");
  ld.accept = Str(o, "accept");
  if (ld.accept.empty()) ld.accept = "application/json";
  ld.receiver_info = PairsOf(o.if_contains("receiverInfo"));
  if (const auto* v = o.if_contains("timeInterval"); v != nullptr && v->is_int64()) {
    ld.time_interval = v->get_int64();
  }
  ld.join = Str(o, "join");
  if (const auto* v = o.if_contains("joinLevel"); v != nullptr && v->is_uint64()) {
    ld.join_level = v->get_uint64();
  } else if (v != nullptr && v->is_int64() && v->get_int64() > 0) {
    ld.join_level = static_cast<std::size_t>(v->get_int64());
  }
  return ld;
}

}  // namespace renkei::notify
