#include "notify/matcher.hpp"

#include <algorithm>

#include "core/geo/geometry.hpp"
#include "core/q/pattern.hpp"
#include "notify/expression_context.hpp"

namespace renkei::notify {
namespace {

base::Unexpected BadPattern(std::string_view what) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                    "Invalid regex for entity " + std::string(what));
}

bool Search(const std::regex& re, const std::string& text) { return std::regex_search(text, re); }

// The entity's location as a geo-query sees it: its first GeoProperty (Orion allows one
// location per entity), parsed by v2 type or as GeoJSON.
std::optional<core::geo::Geometry> LocationOf(const core::Entity& entity) {
  for (const auto& a : entity.attributes) {
    if (a.kind != core::AttributeKind::kGeoProperty) continue;
    auto g = core::geo::IsV2GeoType(a.type) ? core::geo::ParseV2GeoAttribute(a.type, a.value)
                                            : core::geo::ParseGeoJson(a.value);
    if (g) return std::move(*g);
    return std::nullopt;
  }
  return std::nullopt;
}

bool SameAttribute(const core::Attribute& a, const core::Attribute& b, bool metadata_counts) {
  if (a.value != b.value || a.type != b.type) return false;
  return !metadata_counts || a.metadata == b.metadata;
}

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

}  // namespace

bool WasWritten(const store::EntityChange& change, const core::Attribute* before,
                const core::Attribute& after) {
  if (change.written) return Contains(*change.written, after.name);
  return before != nullptr && before->modified_at != after.modified_at;
}

store::ServicePathScope ScopeFromServicePath(std::string_view text) {
  store::ServicePathScope scope;
  while (!text.empty()) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? "" : text.substr(comma + 1);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (item == "/#" || item.empty()) return store::ServicePathScope::Everything();
    store::ServicePathScope::Path path;
    if (item.ends_with("/#")) {
      path.recursive = true;
      item.remove_suffix(2);
    }
    path.path = std::string(item);
    scope.paths.push_back(std::move(path));
  }
  return scope;
}

base::Result<std::shared_ptr<const CompiledSubscription>> CompiledSubscription::Compile(
    std::string tenant, Subscription sub) {
  std::shared_ptr<CompiledSubscription> c(new CompiledSubscription());
  c->tenant_ = std::move(tenant);
  for (const auto& e : sub.entities) {
    Selector s;
    s.id = e.id;
    s.type = e.type;
    if (e.id_pattern) {
      s.id_pattern = core::q::CompilePattern(*e.id_pattern, std::regex::ECMAScript);
      if (!s.id_pattern) return BadPattern("id");
    }
    if (e.type_pattern) {
      s.type_pattern = core::q::CompilePattern(*e.type_pattern, std::regex::ECMAScript);
      if (!s.type_pattern) return BadPattern("type");
    }
    c->selectors_.push_back(std::move(s));
  }
  c->scope_ = ScopeFromServicePath(sub.service_path);
  if (sub.ld) {
    RENKEI_TRY(c->ld_filters_, LdFilters::Compile(*sub.ld));
  }
  if (!sub.q.empty()) {
    RENKEI_TRY(c->q_, core::q::ParseV2Query(sub.q));
  }
  if (!sub.mq.empty()) {
    RENKEI_TRY(c->mq_, core::q::ParseV2MetadataQuery(sub.mq));
  }
  if (!sub.georel.empty() || !sub.geometry.empty() || !sub.coords.empty()) {
    RENKEI_TRY(c->geo_, core::geo::ParseV2GeoQuery(sub.georel, sub.geometry, sub.coords));
  }
  if (!sub.jexl_expression.empty()) {
    // Orion accepts any text; one that does not parse never matches.
    auto parsed = expression::Expression::Parse(sub.jexl_expression);
    if (parsed) c->jexl_ = std::move(*parsed);
  }
  c->sub_ = std::move(sub);
  return std::shared_ptr<const CompiledSubscription>(std::move(c));
}

bool CompiledSubscription::Selects(const core::Entity& entity) const {
  if (!scope_.Contains(entity.service_path)) return false;
  const std::string& type = entity.PrimaryType();
  return std::any_of(selectors_.begin(), selectors_.end(), [&](const Selector& s) {
    if (s.id && *s.id != entity.id) return false;
    if (s.id_pattern && !Search(*s.id_pattern, entity.id)) return false;
    if (s.type && *s.type != type) return false;
    if (s.type_pattern && !Search(*s.type_pattern, type)) return false;
    return true;
  });
}

bool CompiledSubscription::Filters(const core::Entity& entity) const {
  if (!q_.empty() && !q_.Matches(entity)) return false;
  if (!mq_.empty() && !mq_.Matches(entity)) return false;
  if (geo_) {
    auto location = LocationOf(entity);
    if (!location || !geo_->Matches(*location)) return false;
  }
  return true;
}

std::vector<std::string> ChangedAttributes(const core::Entity* before, const core::Entity* after,
                                           bool metadata_counts) {
  std::vector<std::string> changed;
  if (after != nullptr) {
    for (const auto& a : after->attributes) {
      const core::Attribute* old = before != nullptr ? before->Find(a.name) : nullptr;
      if (old == nullptr || !SameAttribute(*old, a, metadata_counts)) {
        if (!Contains(changed, a.name)) changed.push_back(a.name);
      }
    }
  }
  if (before != nullptr) {
    for (const auto& a : before->attributes) {
      if ((after == nullptr || after->Find(a.name) == nullptr) && !Contains(changed, a.name)) {
        changed.push_back(a.name);
      }
    }
  }
  return changed;
}

bool CompiledSubscription::JexlHolds(const MacroContext& context) const {
  if (sub_.jexl_expression.empty()) return true;
  if (!jexl_) return false;
  auto result = jexl_->Evaluate(context.values, expression::TransformEnv{context.now});
  return result && result->is_bool() && result->get_bool();
}

std::optional<Trigger> Match(const CompiledSubscription& compiled,
                             const store::EntityChange& change,
                             std::optional<base::Timestamp> now) {
  const Subscription& sub = compiled.subscription();
  if (sub.ld) return MatchLd(compiled, change);
  const core::Entity* before = change.before ? &*change.before : nullptr;
  const core::Entity* after = change.after ? &*change.after : nullptr;
  // An expired entity not purged yet is gone as far as clients can tell: writing over it
  // creates (Orion API manual "Transient entities").
  if (before != nullptr && after != nullptr && before->expires_at &&
      *before->expires_at <= after->modified_at) {
    before = nullptr;
  }
  if (before == nullptr && after == nullptr) return std::nullopt;
  Trigger trigger;
  trigger.entity = after != nullptr ? after : before;
  if (before == nullptr) {
    trigger.type = AlterationType::kEntityCreate;
  } else if (after == nullptr) {
    trigger.type = AlterationType::kEntityDelete;
  } else {
    trigger.type = AlterationType::kEntityUpdate;
  }
  trigger.changed = ChangedAttributes(before, after, sub.notify_on_metadata_change);
  // The attributes condition.attrs is matched against: those that changed, and for an update
  // seen by a subscription listing entityUpdate, also those written unchanged (below).
  std::vector<std::string> condition_names;

  // Orion: the default alteration types are entityCreate and entityChange; entityUpdate
  // covers entityChange. An update is a change when some attribute really changed.
  auto wants = [&](AlterationType t) {
    if (sub.alteration_types.empty()) {
      return t == AlterationType::kEntityCreate || t == AlterationType::kEntityChange;
    }
    return std::find(sub.alteration_types.begin(), sub.alteration_types.end(), t) !=
           sub.alteration_types.end();
  };
  if (trigger.type == AlterationType::kEntityUpdate) {
    const bool values_changed = !trigger.changed.empty();
    // NGSIv2 forcedUpdate: the update counts as a change although no value differs (Orion API
    // manual "Update operations"; case 3389 forced_update_option).
    const bool really_changed = values_changed || change.forced_update;
    if (!wants(AlterationType::kEntityUpdate) &&
        !(really_changed && wants(AlterationType::kEntityChange))) {
      return std::nullopt;
    }
    // The notification names what happened, whichever type selected it (Orion case
    // 1494 sub_alteration_type_entity_update: an entityUpdate subscription is told
    // entityChange when a value changed, entityUpdate when none did).
    trigger.type = really_changed ? AlterationType::kEntityChange : AlterationType::kEntityUpdate;
    // The attributes written, changed or not.
    std::vector<std::string> written = trigger.changed;
    for (const auto& a : after->attributes) {
      if (WasWritten(change, before->Find(a.name), a) && !Contains(written, a.name)) {
        written.push_back(a.name);
      }
    }
    // Nothing changed: the attributes written are what the update touched, for
    // condition.attrs and onlyChangedAttrs (Orion case 4605). Under forcedUpdate every
    // attribute written counts as modified (Orion API manual "Update operations"), also beside
    // a real change: case 3389's replace-all PUT rewrites `availability` unchanged and drops
    // `lift`, and a subscription on `availability` is notified.
    if (!values_changed || change.forced_update) trigger.changed = written;
    // A subscription listing entityUpdate matches condition.attrs against every attribute of
    // the update even when others changed (Orion's addTriggeredSubscriptions_noCache, case
    // 4647 ..._alttype-entityupdate: an unchanged TimeInstant written with a changed
    // waterConsumption notifies).
    if (wants(AlterationType::kEntityUpdate)) condition_names = std::move(written);
  } else if (!wants(trigger.type)) {
    return std::nullopt;
  }
  // A service-path move is a deletion in the old path and a creation in the new one for
  // the store (the key changes), so selecting on the notified entity is enough.
  if (!compiled.Selects(*trigger.entity)) return std::nullopt;
  // condition.attrs: one of them must have changed (been created, updated or deleted), or,
  // for an update that changed nothing, been written: Orion matches the attributes of the
  // update request (case 1494 sub_alteration_type_entity_update2).
  if (!sub.condition_attrs.empty()) {
    const auto& names = condition_names.empty() ? trigger.changed : condition_names;
    const bool hit = std::any_of(sub.condition_attrs.begin(), sub.condition_attrs.end(),
                                 [&](const std::string& n) { return Contains(names, n); });
    if (!hit) return std::nullopt;
  }
  // onlyChangedAttrs: a change none of whose attributes would be notified sends nothing
  // rather than an entity without attributes (Orion case 3190 notify_only_attributes_that_change).
  // A listed alterationType is always notified (..._with_alteration_type_on_entity_delete).
  if (sub.only_changed_attrs && !Contains(sub.attrs, "alterationType")) {
    const bool all = sub.attrs.empty() || Contains(sub.attrs, "*");
    const bool notified =
        std::any_of(trigger.changed.begin(), trigger.changed.end(), [&](const std::string& name) {
          return (all || Contains(sub.attrs, name)) && !Contains(sub.except_attrs, name);
        });
    if (!notified) return std::nullopt;
  }
  if (!compiled.Filters(*trigger.entity)) return std::nullopt;
  // condition.jexlExpression (Orion 4555): true, and nothing else, lets the change through.
  if (!sub.jexl_expression.empty()) {
    auto context = std::make_shared<const MacroContext>(
        ExpressionContext(*trigger.entity, trigger, change, compiled.tenant(),
                          now.value_or(trigger.entity->modified_at)));
    if (!compiled.JexlHolds(*context)) return std::nullopt;
    trigger.expression_context = std::move(context);
  }
  return trigger;
}

}  // namespace renkei::notify
