// NgsiLdApi::RenderNotifiedEntity: how an NGSI-LD notification shows one entity (ETSI GS CIM
// 009 v1.8 §5.3.1 data, §5.2.14 format / sysAttrs / showChanges, §5.2.12 lang and
// jsonldContext). The subscription's @context is resolved through the same cache as requests'
// (a remote one is fetched once); when it cannot be resolved any more the core context is used,
// so the notification still goes out with expanded names rather than not at all.
#include <algorithm>

#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ngsild_api.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

LdFormat FormatOf(const std::string& name) {
  if (name == "keyValues") return LdFormat::kKeyValues;
  if (name == "concise") return LdFormat::kConcise;
  return LdFormat::kNormalized;
}

// showChanges (§5.2.14): the previous value travels as the "previousValue" sub-attribute
// LdNotifiedEntity added; it is shown as the member §4.5.x names for the attribute's kind.
std::string_view PreviousMember(core::AttributeKind kind) {
  switch (kind) {
    case core::AttributeKind::kRelationship:
    case core::AttributeKind::kListRelationship:
      return "previousObject";
    case core::AttributeKind::kLanguageProperty:
      return "previousLanguageMap";
    case core::AttributeKind::kVocabProperty:
      return "previousVocab";
    case core::AttributeKind::kJsonProperty:
      return "previousJson";
    default:
      break;
  }
  return "previousValue";
}

}  // namespace

json::value NgsiLdApi::RenderNotifiedEntity(const core::Entity& entity,
                                            const notify::RenderRequest& request) {
  const notify::LdSubscription* ld = request.subscription != nullptr && request.subscription->ld
                                         ? &*request.subscription->ld
                                         : nullptr;
  auto context = contexts_.Resolve(ld != nullptr ? ld->context : json::value(nullptr));
  if (!context) context = contexts_.Resolve(nullptr);
  LdRenderOptions options;
  if (ld != nullptr) {
    options.format = FormatOf(ld->format);
    options.sys_attrs = ld->sys_attrs;
    options.lang = ld->lang;
  }
  if (request.subscription != nullptr) options.omit = request.subscription->except_attrs;
  // Previous values are taken out before rendering and put back as members afterwards.
  core::Entity shown = entity;
  struct Previous {
    std::string name;  // as output
    core::AttributeKind kind;
    json::value value;
  };
  std::vector<Previous> previous;
  for (auto& a : shown.attributes) {
    auto it = std::find_if(a.metadata.begin(), a.metadata.end(),
                           [](const core::Attribute& m) { return m.name == "previousValue"; });
    if (it == a.metadata.end()) continue;
    previous.push_back({OutputName(**context, a.name), a.kind, it->value});
    a.metadata.erase(it);
  }
  json::object rendered = RenderLdEntity(shown, options, **context);
  if (options.format == LdFormat::kKeyValues) return rendered;
  for (auto& p : previous) {
    auto* attr = rendered.if_contains(p.name);
    if (attr == nullptr || !attr->is_object()) continue;
    attr->get_object()[PreviousMember(p.kind)] = std::move(p.value);
  }
  return rendered;
}

}  // namespace renkei::api::ngsild
