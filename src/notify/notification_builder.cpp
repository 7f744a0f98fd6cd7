#include "notify/notification_builder.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "core/json_text.hpp"
#include "http/request_target.hpp"
#include "notify/expression_context.hpp"
#include "notify/ld_notification_builder.hpp"
#include "notify/macro.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

bool Listed(const std::vector<std::string>& list, std::string_view name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

core::Attribute TextMetadata(std::string name, std::string value) {
  core::Attribute md;
  md.name = std::move(name);
  md.type = "Text";
  md.value = json::string(value);
  return md;
}

// Orion "Evaluation priority": an `ngsi` attribute's evalPriority metadata (1..100000,
// validated at subscription creation), 100000 when it has none.
double EvalPriority(const json::value& attr_template) {
  constexpr double kDefaultPriority = 100000;
  const auto* attr = attr_template.if_object();
  const auto* md = attr != nullptr ? attr->if_contains("metadata") : nullptr;
  const auto* priority =
      md != nullptr && md->is_object() ? md->get_object().if_contains("evalPriority") : nullptr;
  const auto* value = priority != nullptr && priority->is_object()
                          ? priority->get_object().if_contains("value")
                          : nullptr;
  if (value == nullptr || !value->is_number()) return kDefaultPriority;
  return value->to_number<double>();
}

// The metadata an `ngsi` attribute template carries (only evalPriority is accepted), as the
// notified attribute's metadata, as Orion renders it.
std::vector<core::Attribute> TemplateMetadata(const json::value& attr_template) {
  std::vector<core::Attribute> out;
  const auto* attr = attr_template.if_object();
  const auto* md = attr != nullptr ? attr->if_contains("metadata") : nullptr;
  if (md == nullptr || !md->is_object()) return out;
  for (const auto& [name, m] : md->get_object()) {
    core::Attribute item;
    item.name = std::string(name);
    if (const auto* o = m.if_object()) {
      if (const auto* v = o->if_contains("value")) item.value = *v;
      if (const auto* t = o->if_contains("type"); t != nullptr && t->is_string()) {
        item.type = std::string(t->get_string());
      }
    }
    out.push_back(std::move(item));
  }
  return out;
}

// `ngsi` patching: an entity fragment (id, type, attributes {value,type}) applied as
// update-or-append, values substituted (id and type always as text). Attributes are
// evaluated by evalPriority (ties in template order) and each result joins the context, so
// later expressions see it; id and type come last (Orion "Evaluation priority").
core::Entity Patch(const core::Entity& entity, const json::object& patch, MacroContext context) {
  core::Entity out = entity;
  std::vector<std::pair<std::string_view, const json::value*>> attrs;
  for (const auto& [key, v] : patch) {
    if (key != "id" && key != "type") attrs.emplace_back(key, &v);
  }
  std::stable_sort(attrs.begin(), attrs.end(), [](const auto& a, const auto& b) {
    return EvalPriority(*a.second) < EvalPriority(*b.second);
  });
  for (const auto& [key, v] : attrs) {
    core::Attribute attr;
    attr.name = std::string(key);
    json::value value = *v;
    if (v->is_object() && v->get_object().contains("value")) {
      value = v->get_object().at("value");
      if (const auto* t = v->get_object().if_contains("type"); t != nullptr && t->is_string()) {
        attr.type = std::string(t->get_string());
      }
    }
    attr.value = SubstituteJson(value, context);
    context.values[attr.name] = attr.value;
    // Orion "Partial Representations": the default type follows the value.
    if (attr.type.empty()) attr.type = core::DefaultV2AttributeType(attr.value);
    // The notified attribute is the template's: its metadata too (Orion setNgsiPayload).
    attr.metadata = TemplateMetadata(*v);
    if (auto* existing = out.Find(attr.name)) {
      existing->value = std::move(attr.value);
      existing->type = std::move(attr.type);
      existing->metadata = std::move(attr.metadata);
    } else {
      out.attributes.push_back(std::move(attr));
    }
  }
  for (std::string_view key : {"id", "type"}) {
    const auto* v = patch.if_contains(key);
    if (v == nullptr || !v->is_string()) continue;
    // Orion case 4085 ..._mapping_{id,type}_failsafe: a template that yields nothing at all
    // keeps the entity's own id or type; otherwise a null macro is "null" as anywhere else
    // (..._missing_macros: "new:${x}" gives "new:null").
    if (SubstituteText(v->get_string(), context, "").empty()) continue;
    std::string text = SubstituteText(v->get_string(), context);
    if (key == "id") {
      out.id = std::move(text);
    } else {
      out.types = {std::move(text)};
    }
  }
  return out;
}

bool IsHttpUrl(std::string_view url) {
  return (url.starts_with("http://") && url.size() > 7) ||
         (url.starts_with("https://") && url.size() > 8);
}

// Orion keeps qs in a map: parameters go out sorted by name, and one whose name or value is
// empty after substitution is left out (Orion case 2015 notification_templates).
std::string WithQuery(std::string url, const std::map<std::string, std::string>& qs) {
  for (const auto& [k, v] : qs) {
    if (k.empty() || v.empty()) continue;
    url += url.find('?') == std::string::npos ? '?' : '&';
    url += k + "=" + v;
  }
  return url;
}

}  // namespace

core::Entity NotifiedEntity(const Subscription& sub, const Trigger& trigger,
                            const store::EntityChange& change) {
  const core::Entity& source = *trigger.entity;
  core::Entity out = source;
  out.attributes.clear();
  const bool all = sub.attrs.empty() || Listed(sub.attrs, "*");
  const core::Entity* before =
      change.before && trigger.type != AlterationType::kEntityCreate ? &*change.before : nullptr;
  for (const auto& a : source.attributes) {
    if (!all && !Listed(sub.attrs, a.name)) continue;
    if (Listed(sub.except_attrs, a.name)) continue;
    if (sub.only_changed_attrs && !Listed(trigger.changed, a.name)) continue;
    core::Attribute attr = a;
    if (Listed(sub.metadata, "previousValue") && before != nullptr) {
      if (const auto* old = before->Find(a.name)) {
        core::Attribute md;
        md.name = "previousValue";
        md.type = old->type;
        md.value = old->value;
        attr.metadata.push_back(std::move(md));
      }
    }
    if (Listed(sub.metadata, "actionType") && Listed(trigger.changed, a.name)) {
      attr.metadata.push_back(
          TextMetadata("actionType", std::string(ActionTypeOf(trigger.type, before, a.name))));
    }
    out.attributes.push_back(std::move(attr));
  }
  if (sub.covered) {
    // Orion "Covered Subscriptions": every listed attribute, null of type None when absent.
    for (const auto& name : sub.attrs) {
      if (name == "*" || out.Find(name) != nullptr || source.Find(name) != nullptr) continue;
      core::Attribute none;
      none.name = name;
      none.type = "None";
      out.attributes.push_back(std::move(none));
    }
  }
  if (Listed(sub.attrs, "alterationType")) {
    core::Attribute alteration;
    alteration.name = "alterationType";
    alteration.type = "Text";
    alteration.value = json::string(AlterationTypeName(trigger.type));
    out.attributes.push_back(std::move(alteration));
  }
  return out;
}

base::Result<OutboundMessage> BuildNotification(const CompiledSubscription& compiled,
                                                const Trigger& trigger,
                                                const store::EntityChange& change,
                                                const NotificationContext& context,
                                                const EntityRenderer& render) {
  const Subscription& sub = compiled.subscription();
  if (sub.ld) return BuildLdNotification(sub, trigger, change, context, render);
  OutboundMessage m;
  const core::Entity& source = *trigger.entity;
  // The JEXL context, built only for the templates that use it.
  const bool custom_receiver = (sub.http && sub.http->custom) || (sub.mqtt && sub.mqtt->custom);
  // The one the jexlExpression condition saw, when there was one (matcher.hpp, Trigger).
  std::shared_ptr<const MacroContext> built = trigger.expression_context;
  if (custom_receiver && built == nullptr) {
    built = std::make_shared<const MacroContext>(
        ExpressionContext(source, trigger, change, context.tenant, context.now));
  }
  const MacroContext no_context;
  const MacroContext& macros = built != nullptr ? *built : no_context;
  const CustomPayload* custom = nullptr;
  if (sub.http) {
    m.transport = Transport::kHttp;
    m.timeout_ms = sub.http->timeout_ms > 0 ? sub.http->timeout_ms : context.default_timeout_ms;
    if (sub.http->custom) {
      custom = &sub.http->payload;
      m.method = sub.http->method.empty() ? "POST" : sub.http->method;
      std::map<std::string, std::string> qs;
      for (const auto& [k, v] : sub.http->qs) {
        qs.emplace(SubstituteText(k, macros, ""), SubstituteText(v, macros, ""));
      }
      m.url = WithQuery(SubstituteText(sub.http->url, macros), qs);
      if (!IsHttpUrl(m.url)) {
        return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                          "invalid custom /url/ after substitution: " + m.url);
      }
    } else {
      m.url = sub.http->url;
    }
  } else if (sub.mqtt) {
    m.transport = Transport::kMqtt;
    m.url = sub.mqtt->url;
    m.topic = sub.mqtt->custom ? SubstituteText(sub.mqtt->topic, macros) : sub.mqtt->topic;
    m.qos = sub.mqtt->qos;
    m.retain = sub.mqtt->retain;
    m.user = sub.mqtt->user;
    m.passwd = sub.mqtt->passwd;
    if (sub.mqtt->custom) custom = &sub.mqtt->payload;
  }

  // Body and its format header (Orion: "custom" for payload/json, the subscription's
  // attrsFormat otherwise, normalized for ngsi patching).
  std::string format(AttrsFormatName(sub.attrs_format));
  std::string content_type = "application/json; charset=utf-8";
  const PayloadKind kind = custom != nullptr ? custom->kind : PayloadKind::kDefault;
  if (kind == PayloadKind::kText) {
    // Orion decodes %XX escapes in custom payloads and headers at notification time.
    m.body = SubstituteText(http::PercentDecoded(custom->text), macros);
    content_type = "text/plain; charset=utf-8";
    format = "custom";
  } else if (kind == PayloadKind::kNone) {
    format = "custom";
  } else if (kind == PayloadKind::kJson) {
    m.body = core::ToJsonText(SubstituteJson(custom->json, macros));
    format = "custom";
  } else {
    core::Entity entity = kind == PayloadKind::kNgsi && custom->json.is_object()
                              ? Patch(source, custom->json.get_object(), macros)
                              : source;
    Trigger patched = trigger;
    patched.entity = &entity;
    const core::Entity notified = NotifiedEntity(sub, patched, change);
    RenderRequest request;
    request.attrs = sub.attrs;
    request.metadata = sub.metadata;
    // `ngsi` patching renders in the subscription's attrsFormat and says so in
    // Ngsiv2-AttrsFormat (Orion case 4286 update_format_..._custom_ngsi_patching; the API
    // manual's older "always normalized" no longer holds).
    AttrsFormat rendered = sub.attrs_format;
    bool wrap = true;
    if (rendered == AttrsFormat::kSimplifiedNormalized) {
      rendered = AttrsFormat::kNormalized;
      wrap = false;
    } else if (rendered == AttrsFormat::kSimplifiedKeyValues) {
      rendered = AttrsFormat::kKeyValues;
      wrap = false;
    }
    request.format = rendered;
    json::value body = render(notified, request);
    if (wrap) {
      json::object envelope;
      envelope["subscriptionId"] = sub.id;
      envelope["data"] = json::array{std::move(body)};
      body = std::move(envelope);
    }
    m.body = core::ToJsonText(body, core::NumberStyle::kNineDecimals);
  }

  if (m.transport == Transport::kHttp) {
    // Orion's notification headers (functional tests, e.g. 0000_subs_attrs_deletion).
    if (!context.tenant.empty()) m.headers.emplace_back("Fiware-Service", context.tenant);
    m.headers.emplace_back("Fiware-ServicePath", source.service_path);
    m.headers.emplace_back("Accept", "application/json");
    if (kind != PayloadKind::kNone) m.headers.emplace_back("Content-Type", content_type);
    m.headers.emplace_back("Ngsiv2-AttrsFormat", format);
    m.headers.emplace_back("Fiware-Correlator",
                           context.correlator + "; cbnotif=" + std::to_string(context.sequence));
    if (sub.http && sub.http->custom) {
      for (const auto& [k_tmpl, v_tmpl] : sub.http->headers) {
        const std::string name = SubstituteText(k_tmpl, macros, "");
        // Orion "Custom Notifications": Fiware-Correlator and Ngsiv2-AttrsFormat cannot be
        // overwritten; an empty value removes the header.
        auto same = [&](const std::pair<std::string, std::string>& h) {
          return std::equal(h.first.begin(), h.first.end(), name.begin(), name.end(),
                            [](char a, char b) {
                              return std::tolower(static_cast<unsigned char>(a)) ==
                                     std::tolower(static_cast<unsigned char>(b));
                            });
        };
        auto it = std::find_if(m.headers.begin(), m.headers.end(), same);
        if (it != m.headers.end() &&
            (it->first == "Fiware-Correlator" || it->first == "Ngsiv2-AttrsFormat")) {
          continue;
        }
        const std::string value = http::PercentDecoded(SubstituteText(v_tmpl, macros, ""));
        if (it != m.headers.end()) m.headers.erase(it);
        if (!name.empty() && !value.empty()) m.headers.emplace_back(name, value);
      }
    }
  }
  return m;
}

}  // namespace renkei::notify
