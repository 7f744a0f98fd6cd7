// Matching one committed entity change against an NGSI-LD subscription (ETSI GS CIM 009 v1.8
// §5.8.6 "Notification behaviour", §5.2.12 entities / watchedAttributes / q / geoQ / scopeQ /
// notificationTrigger). LdFilters holds the subscription's selectors and expressions parsed
// once from the stored terms (no @context processing at match time); immutable and shared
// between threads. MatchLd (declared in matcher.hpp, beside Match) is pure.
#pragma once

#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"
#include "core/q/scope_query.hpp"
#include "core/q/type_selection.hpp"
#include "notify/ld_subscription.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

class LdFilters {
 public:
  // kBadRequestData when a pattern, type selection, q, scopeQ or geoQ does not parse (the
  // dialect validated them, so a stored subscription compiles).
  static base::Result<std::shared_ptr<const LdFilters>> Compile(const LdSubscription& ld);

  // entities (§5.2.33: id, idPattern, type selection over all the entity's types); every
  // entity when the subscription lists none (watchedAttributes alone, §5.2.12).
  bool Selects(const core::Entity& entity) const;
  // q, scopeQ and geoQ hold for the entity.
  bool Filters(const core::Entity& entity) const;
  // Store selectors that find at least every entity Selects accepts (ids, id patterns and the
  // types of plain OR type selections, matched on any type); empty selects every entity.
  std::vector<store::EntitySelector> StoreSelectors() const;

 private:
  struct Selector {
    std::optional<std::string> id;
    std::shared_ptr<const std::regex> id_pattern;
    std::optional<std::string> id_pattern_text;
    std::optional<core::q::TypeSelection> type;
  };
  LdFilters() = default;

  std::vector<Selector> selectors_;
  core::q::Filter q_;
  std::optional<core::q::ScopeFilter> scope_;
  std::optional<core::geo::GeoQuery> geo_;
  std::string geoproperty_;
};

}  // namespace renkei::notify
