// NgsiLdApi::RenderNotifiedEntity: how an NGSI-LD notification shows one entity (ETSI GS CIM
// 009 v1.8 §5.3.1 data, §5.2.14 format / sysAttrs / showChanges, §5.2.12 lang and
// jsonldContext). The subscription's @context is resolved through the same cache as requests'
// (a remote one is fetched once); when it cannot be resolved any more the core context is used,
// so the notification still goes out with expanded names rather than not at all.
#include <algorithm>
#include <optional>

#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/linked_entities.hpp"
#include "api/ngsild/ngsild_api.hpp"
#include "notify/ld_notification_builder.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

LdFormat FormatOf(const std::string& name) {
  if (name == "keyValues") return LdFormat::kKeyValues;
  if (name == "concise") return LdFormat::kConcise;
  return LdFormat::kNormalized;
}

// showChanges (§5.2.14): the previous state travels as a marker sub-attribute
// (notify::kPreviousValueMarker); it is shown as the member §4.5.x names for the kind.
std::string_view PreviousMember(core::AttributeKind kind) {
  switch (kind) {
    case core::AttributeKind::kRelationship:
      return "previousObject";
    case core::AttributeKind::kListRelationship:
      return "previousObjectList";
    case core::AttributeKind::kLanguageProperty:
      return "previousLanguageMap";
    case core::AttributeKind::kVocabProperty:
      return "previousVocab";
    case core::AttributeKind::kJsonProperty:
      return "previousJson";
    case core::AttributeKind::kListProperty:
      return "previousValueList";
    default:
      break;
  }
  return "previousValue";
}

// What LdNotifiedEntity marked on one attribute instance, taken out before rendering.
struct Marked {
  std::string name;  // as output
  std::optional<std::string> dataset_id;
  std::optional<core::Attribute> previous;
  std::optional<json::value> deleted_at;
};

std::optional<core::Attribute> TakeMarker(core::Attribute& a, std::string_view marker) {
  auto it = std::find_if(a.metadata.begin(), a.metadata.end(),
                         [&](const core::Attribute& m) { return m.name == marker; });
  if (it == a.metadata.end()) return std::nullopt;
  core::Attribute taken = std::move(*it);
  a.metadata.erase(it);
  return taken;
}

// The rendered instance of `name` with `dataset_id` (several instances form an array).
json::object* RenderedInstance(json::object& entity, const Marked& m) {
  auto* rendered = entity.if_contains(m.name);
  if (rendered == nullptr) return nullptr;
  if (auto* o = rendered->if_object()) return o;
  if (auto* arr = rendered->if_array()) {
    for (auto& v : *arr) {
      auto* o = v.if_object();
      if (o == nullptr) continue;
      const auto* id = o->if_contains("datasetId");
      const bool same =
          m.dataset_id ? (id != nullptr && id->is_string() && id->get_string() == *m.dataset_id)
                       : id == nullptr;
      if (same) return o;
    }
  }
  return nullptr;
}

// The previous state in the form its kind's value member has (vocab compacted, Orion's
// geo:* as GeoJSON), rendered like the attribute itself.
json::value PreviousValue(const core::Attribute& previous,
                          const core::jsonld::ActiveContext& context) {
  LdRenderOptions plain;
  json::value rendered = RenderLdAttribute(previous, plain, context);
  if (auto* o = rendered.if_object()) {
    for (auto& [key, value] : *o) {
      if (key != "type") return value;
    }
  }
  return previous.value;
}

// §5.2.12 datasetId (v1.8): the attribute instances a notification shows, "@none" naming the
// default instance; absent, every instance.
std::optional<std::vector<std::optional<std::string>>> DatasetSelection(
    const notify::LdSubscription& ld) {
  const auto* member = ld.document.if_contains("datasetId");
  if (member == nullptr) return std::nullopt;
  std::vector<std::optional<std::string>> ids;
  auto add = [&ids](const json::value& v) {
    if (!v.is_string()) return;
    if (v.get_string() == "@none") {
      ids.emplace_back(std::nullopt);
    } else {
      ids.emplace_back(std::string(v.get_string()));
    }
  };
  if (const auto* list = member->if_array()) {
    for (const auto& v : *list) add(v);
  } else {
    add(*member);
  }
  return ids;
}

// Puts back what LdNotifiedEntity marked (previous states, deletion times) as members of the
// rendered attributes.
void AddMarkers(json::object& rendered, std::vector<Marked>& marked, const LdRenderOptions& options,
                const core::jsonld::ActiveContext& context) {
  for (auto& m : marked) {
    json::object* attr = RenderedInstance(rendered, m);
    if (attr == nullptr) continue;  // concise: a bare value has no room for members
    if (m.previous) (*attr)[PreviousMember(m.previous->kind)] = PreviousValue(*m.previous, context);
    // §5.2.14 sysAttrs: a deleted attribute shows when it was deleted beside createdAt and
    // modifiedAt.
    if (m.deleted_at && options.sys_attrs) (*attr)["deletedAt"] = std::move(*m.deleted_at);
  }
}

bool PicksMembers(const notify::LdSubscription& ld) {
  const auto* n = ld.document.if_contains("notification");
  return n != nullptr && n->is_object() && n->get_object().contains("pick");
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
    options.dataset_ids = DatasetSelection(*ld);
  }
  if (request.subscription != nullptr) options.omit = request.subscription->except_attrs;
  // §4.21: notification.pick (kept as the subscription's attrs) selects entity members, id
  // and type included, as the query parameter does; notification.attributes selects
  // attributes only.
  if (ld != nullptr && PicksMembers(*ld)) options.pick = request.subscription->attrs;
  // The markers are taken out before rendering and put back as members afterwards.
  core::Entity shown = entity;
  std::vector<Marked> marked;
  for (auto& a : shown.attributes) {
    Marked m{OutputName(**context, a.name), a.dataset_id,
             TakeMarker(a, notify::kPreviousValueMarker), std::nullopt};
    if (auto when = TakeMarker(a, notify::kDeletedAtMarker)) m.deleted_at = std::move(when->value);
    if (m.previous || m.deleted_at) marked.push_back(std::move(m));
  }
  // §4.5.23 join: the entities `shown` links to, read through request.linked (the owner's
  // check applied there: notify/linked_entity_reader.hpp). A failure (too many linked
  // entities) leaves the relationships plain.
  const std::vector<core::Entity> roots{shown};
  std::optional<LinkedEntities> linked;
  if (ld != nullptr && !ld->join.empty() && request.linked) {
    const JoinRequest join{ld->join == "inline" ? JoinKind::kInline : JoinKind::kFlat,
                           std::min(ld->join_level, options_.max_join_level),
                           {}};
    const EntityFetch fetch = [&request](const std::vector<std::string>& ids) {
      return base::Result<std::vector<core::Entity>>(request.linked(ids));
    };
    if (auto collected =
            LinkedEntities::Collect(roots, options, join, options_.max_linked_entities, fetch)) {
      linked.emplace(std::move(*collected));
    }
  }
  json::object rendered = RenderLdEntity(
      roots.front(), options, **context,
      linked ? linked->InlineInto(roots.front(), options, **context) : InlineLinkedEntity{});
  if (options.format != LdFormat::kKeyValues) AddMarkers(rendered, marked, options, **context);
  if (!linked || linked->Flat().empty()) return rendered;
  // join=flat: the entity, then each entity it links to (BuildLdMessage lists each once).
  json::array several;
  several.push_back(std::move(rendered));
  for (const auto& f : linked->Flat()) {
    if (ShowsAnyMember(*f.entity, f.options)) {
      several.push_back(RenderLdEntity(*f.entity, f.options, **context));
    }
  }
  return several;
}

}  // namespace renkei::api::ngsild
