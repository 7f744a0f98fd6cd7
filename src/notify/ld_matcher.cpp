#include "notify/ld_matcher.hpp"

#include <algorithm>

#include "core/geo/geometry.hpp"
#include "core/geo/ld_geo_query.hpp"
#include "core/q/ld_query.hpp"
#include "core/q/pattern.hpp"
#include "notify/matcher.hpp"

namespace renkei::notify {
namespace {

bool Contains(const std::vector<std::string>& list, const std::string& name) {
  return std::find(list.begin(), list.end(), name) != list.end();
}

// An attribute changed when its value, type or sub-attributes differ, or when the request
// wrote it again (WasWritten): §5.8.6 notifies an update even if it leaves the value as it was.
bool Rewritten(const store::EntityChange& change, const core::Attribute& before,
               const core::Attribute& after) {
  return before.value != after.value || before.type != after.type ||
         before.metadata != after.metadata || before.kind != after.kind ||
         WasWritten(change, &before, after);
}

struct AttributeDelta {
  std::vector<std::string> created;
  std::vector<std::string> updated;
  std::vector<std::string> deleted;
};

// Instance by instance (§4.5.5: a multi-attribute's instances are told apart by datasetId),
// reported by attribute name.
AttributeDelta Delta(const store::EntityChange& change, const core::Entity* before,
                     const core::Entity* after) {
  AttributeDelta d;
  if (after != nullptr) {
    for (const auto& a : after->attributes) {
      const core::Attribute* old =
          before != nullptr ? before->FindInstance(a.name, a.dataset_id) : nullptr;
      if (old == nullptr) {
        if (!Contains(d.created, a.name)) d.created.push_back(a.name);
      } else if (Rewritten(change, *old, a) && !Contains(d.updated, a.name)) {
        d.updated.push_back(a.name);
      }
    }
  }
  if (before != nullptr) {
    for (const auto& a : before->attributes) {
      const bool gone = after == nullptr || after->FindInstance(a.name, a.dataset_id) == nullptr;
      if (gone && !Contains(d.deleted, a.name)) d.deleted.push_back(a.name);
    }
  }
  return d;
}

// watchedAttributes (§5.2.12): only these count; empty means all.
std::vector<std::string> Watched(std::vector<std::string> names,
                                 const std::vector<std::string>& watched) {
  if (watched.empty()) return names;
  std::erase_if(names, [&](const std::string& n) { return !Contains(watched, n); });
  return names;
}

core::q::TermExpander ExpanderOf(const LdSubscription& ld) {
  return [&ld](std::string_view term) {
    for (const auto& [t, stored] : ld.terms) {
      if (t == term) return stored;
    }
    return std::string(term);
  };
}

// The entity's location for geoQ: the named GeoProperty as GeoJSON.
std::optional<core::geo::Geometry> LocationOf(const core::Entity& entity,
                                              const std::string& geoproperty) {
  const auto* a = entity.Find(geoproperty);
  if (a == nullptr) return std::nullopt;
  auto g = core::geo::IsV2GeoType(a->type) ? core::geo::ParseV2GeoAttribute(a->type, a->value)
                                           : core::geo::ParseGeoJson(a->value);
  if (!g) return std::nullopt;
  return std::move(*g);
}

}  // namespace

base::Result<std::shared_ptr<const LdFilters>> LdFilters::Compile(const LdSubscription& ld) {
  std::shared_ptr<LdFilters> f(new LdFilters());
  const auto expand = ExpanderOf(ld);
  for (const auto& e : ld.entities) {
    Selector s;
    s.id = e.id;
    s.id_pattern_text = e.id_pattern;
    if (e.id_pattern) {
      s.id_pattern = core::q::CompilePattern(*e.id_pattern, std::regex::ECMAScript);
      if (!s.id_pattern) {
        return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData",
                          "invalid idPattern: " + *e.id_pattern);
      }
    }
    if (!e.type.empty()) {
      RENKEI_TRY(s.type, core::q::ParseTypeSelection(e.type, expand));
    }
    f->selectors_.push_back(std::move(s));
  }
  if (!ld.q.empty()) {
    RENKEI_TRY(f->q_, core::q::ParseLdQuery(ld.q, expand));
  }
  if (!ld.scope_q.empty()) {
    RENKEI_TRY(f->scope_, core::q::ParseLdScopeQuery(ld.scope_q));
  }
  if (ld.geo_q) {
    RENKEI_TRY(f->geo_, core::geo::ParseLdGeoQuery(ld.geo_q->georel, ld.geo_q->geometry,
                                                   ld.geo_q->coordinates));
    f->geoproperty_ = ld.geo_q->geoproperty.empty() ? "location" : ld.geo_q->geoproperty;
  }
  return std::shared_ptr<const LdFilters>(std::move(f));
}

bool LdFilters::Selects(const core::Entity& entity) const {
  if (selectors_.empty()) return true;
  return std::any_of(selectors_.begin(), selectors_.end(), [&](const Selector& s) {
    if (s.id && *s.id != entity.id) return false;
    if (s.id_pattern && !std::regex_search(entity.id, *s.id_pattern)) return false;
    if (s.type && !s.type->Matches(entity.types)) return false;
    return true;
  });
}

std::vector<store::EntitySelector> LdFilters::StoreSelectors() const {
  std::vector<store::EntitySelector> out;
  for (const auto& s : selectors_) {
    store::EntitySelector base;
    base.id = s.id;
    base.id_pattern = s.id_pattern_text;
    const auto types = s.type ? s.type->AnyOf() : std::nullopt;
    if (!types || s.type->MatchesAll()) {
      // An AND of types (or `*`): the store cannot say; Selects decides afterwards.
      out.push_back(std::move(base));
      continue;
    }
    for (const auto& t : *types) {
      store::EntitySelector typed = base;
      typed.type = t;
      typed.type_in_any = true;
      out.push_back(std::move(typed));
    }
  }
  return out;
}

bool LdFilters::Filters(const core::Entity& entity) const {
  if (!q_.empty() && !q_.Matches(entity)) return false;
  if (scope_ && !scope_->Matches(entity.scopes)) return false;
  if (geo_) {
    auto location = LocationOf(entity, geoproperty_);
    if (!location || !geo_->Matches(*location)) return false;
  }
  return true;
}

std::optional<Trigger> MatchLd(const CompiledSubscription& compiled,
                               const store::EntityChange& change) {
  const Subscription& sub = compiled.subscription();
  // §5.8.6: a subscription with timeInterval notifies periodically (periodic_notifier.hpp),
  // never on changes.
  if (!sub.ld || compiled.ld_filters() == nullptr || sub.ld->time_interval) return std::nullopt;
  const core::Entity* before = change.before ? &*change.before : nullptr;
  const core::Entity* after = change.after ? &*change.after : nullptr;
  if (before != nullptr && after != nullptr && before->expires_at &&
      *before->expires_at <= after->modified_at) {
    before = nullptr;
  }
  if (before == nullptr && after == nullptr) return std::nullopt;
  const auto triggers = EffectiveTriggers(*sub.ld);
  auto wants = [&](LdTrigger t) {
    return std::find(triggers.begin(), triggers.end(), t) != triggers.end();
  };
  const AttributeDelta delta = Delta(change, before, after);
  Trigger trigger;
  trigger.entity = after != nullptr ? after : before;
  // §5.8.6: an entity creation is also the creation of each of its attributes, so the
  // default triggers (attributeCreated, attributeUpdated) notify it; likewise a deletion is
  // the deletion of each of its attributes (attributeDeleted, when entityDeleted is not
  // asked for).
  std::optional<LdTrigger> fired;
  std::vector<std::string> changed;
  if (before == nullptr) {
    trigger.type = AlterationType::kEntityCreate;
    changed = Watched(delta.created, sub.condition_attrs);
    if (wants(LdTrigger::kEntityCreated)) {
      fired = LdTrigger::kEntityCreated;
    } else if (wants(LdTrigger::kAttributeCreated) && !changed.empty()) {
      fired = LdTrigger::kAttributeCreated;
    }
  } else if (after == nullptr) {
    trigger.type = AlterationType::kEntityDelete;
    changed = Watched(delta.deleted, sub.condition_attrs);
    if (wants(LdTrigger::kEntityDeleted)) {
      fired = LdTrigger::kEntityDeleted;
    } else if (wants(LdTrigger::kAttributeDeleted) && !changed.empty()) {
      fired = LdTrigger::kAttributeDeleted;
    }
  } else {
    trigger.type = AlterationType::kEntityUpdate;
    const auto created = Watched(delta.created, sub.condition_attrs);
    const auto updated = Watched(delta.updated, sub.condition_attrs);
    const auto deleted = Watched(delta.deleted, sub.condition_attrs);
    if (wants(LdTrigger::kAttributeCreated) && !created.empty()) {
      fired = LdTrigger::kAttributeCreated;
    } else if (wants(LdTrigger::kAttributeUpdated) && !updated.empty()) {
      fired = LdTrigger::kAttributeUpdated;
    } else if (wants(LdTrigger::kAttributeDeleted) && !deleted.empty()) {
      fired = LdTrigger::kAttributeDeleted;
    } else if (wants(LdTrigger::kEntityUpdated) &&
               !(created.empty() && updated.empty() && deleted.empty())) {
      fired = LdTrigger::kEntityUpdated;
    }
    changed = created;
    changed.insert(changed.end(), updated.begin(), updated.end());
    changed.insert(changed.end(), deleted.begin(), deleted.end());
  }
  if (!fired) return std::nullopt;
  const LdFilters& filters = *compiled.ld_filters();
  if (!filters.Selects(*trigger.entity) || !filters.Filters(*trigger.entity)) return std::nullopt;
  trigger.changed = std::move(changed);
  trigger.ld_trigger = fired;
  return trigger;
}

}  // namespace renkei::notify
