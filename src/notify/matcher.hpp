// Matching one committed entity change against one subscription (Orion API manual:
// "Notification Triggering", "Subscriptions based in alteration type", "Service path in
// subscriptions and registrations"). A CompiledSubscription holds the subscription with its
// patterns, q/mq filters and geo query parsed once; it is immutable and shared between
// threads. Match is pure.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"
#include "notify/expression/expression.hpp"
#include "notify/ld_matcher.hpp"
#include "notify/macro.hpp"
#include "notify/subscription.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

class CompiledSubscription {
 public:
  // kBadRequestData (Orion's texts) when a pattern, q, mq or geo expression does not parse;
  // the dialect validates first, so a stored subscription compiles.
  static base::Result<std::shared_ptr<const CompiledSubscription>> Compile(std::string tenant,
                                                                           Subscription sub);

  const std::string& tenant() const { return tenant_; }
  const Subscription& subscription() const { return sub_; }
  // Whether the subscription selects this entity (id/type selectors and ServicePath).
  bool Selects(const core::Entity& entity) const;
  // Whether q, mq and the geo expression hold for the entity.
  bool Filters(const core::Entity& entity) const;
  // Whether condition.jexlExpression gives true in `context` (true without one); an
  // expression that does not parse or fails never holds (Orion 4555 ..._syntax_error).
  bool JexlHolds(const MacroContext& context) const;
  // The NGSI-LD selectors and expressions; null for an NGSIv2 subscription.
  const LdFilters* ld_filters() const { return ld_filters_.get(); }

 private:
  struct Selector {
    std::optional<std::string> id;
    std::shared_ptr<const std::regex> id_pattern;
    std::optional<std::string> type;
    std::shared_ptr<const std::regex> type_pattern;
  };
  CompiledSubscription() = default;

  std::string tenant_;
  Subscription sub_;
  std::vector<Selector> selectors_;
  store::ServicePathScope scope_;
  core::q::Filter q_;
  core::q::Filter mq_;
  std::optional<core::geo::GeoQuery> geo_;
  std::shared_ptr<const LdFilters> ld_filters_;
  std::optional<expression::Expression> jexl_;
};

// Why a subscription fires for a change.
struct Trigger {
  AlterationType type = AlterationType::kEntityChange;
  // Attributes created, changed or deleted by the change (all of the entity's for a
  // creation or deletion), in entity order, deleted ones last.
  std::vector<std::string> changed;
  const core::Entity* entity = nullptr;  // what is notified: after, or before for a deletion
  std::optional<LdTrigger> ld_trigger;   // NGSI-LD: the notificationTrigger that fired
  // The JEXL context condition.jexlExpression was evaluated on, kept so that the custom
  // templates of the same notification see the same values and the same `now`
  // (notification_builder.cpp builds it only when this is empty).
  std::shared_ptr<const MacroContext> expression_context;
};

// The attributes that differ between two states of an entity (see Trigger::changed).
// With `metadata_counts`, a metadata-only change counts (notifyOnMetadataChange).
std::vector<std::string> ChangedAttributes(const core::Entity* before, const core::Entity* after,
                                           bool metadata_counts);

// Whether the change's request wrote the attribute `after` (changed or not): the names the
// write unit recorded (EntityChange::written); for a journal row that does not say (written
// by an older version), whether its modification time moved since `before` (nullptr: the
// attribute is new), which misses a rewrite within the millisecond of the previous write.
bool WasWritten(const store::EntityChange& change, const core::Attribute* before,
                const core::Attribute& after);

// Whether `sub` fires for `change`, and why. Does not look at status, expiry or throttling.
// An NGSI-LD subscription is matched by MatchLd. `now` is the time of JEXL's `now` transform
// in condition.jexlExpression (the matching round's; absent: the entity's modification time).
std::optional<Trigger> Match(const CompiledSubscription& sub, const store::EntityChange& change,
                             std::optional<base::Timestamp> now = std::nullopt);
// NGSI-LD's rules (ld_matcher.cpp): notificationTrigger, watchedAttributes, entities, q,
// scopeQ, geoQ.
std::optional<Trigger> MatchLd(const CompiledSubscription& sub, const store::EntityChange& change);

// "/#", "/a", "/a/#", comma lists → a scope (the dialect validated the text).
store::ServicePathScope ScopeFromServicePath(std::string_view text);

}  // namespace renkei::notify
