// What a caller may ask the store for: entities selected by id/type (exact or pattern),
// scoped by ServicePath, filtered by q/mq and a geo relation, ordered and paginated.
// Backends push down what they can and evaluate the rest with core's evaluators; the
// result must be the same either way (store conformance suite, tests/store/).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "core/geo/geo_query.hpp"
#include "core/q/filter.hpp"

namespace renkei::store {

// One alternative of an entity selection: all set fields must match. Patterns are
// ECMAScript regular expressions matched anywhere in the string (Orion: regex search).
struct EntitySelector {
  std::optional<std::string> id;
  std::optional<std::string> id_pattern;
  std::optional<std::string> type;
  std::optional<std::string> type_pattern;
  // `type` matches any of the entity's types (NGSI-LD §4.17), not only the primary one the
  // entity is keyed by (NGSIv2).
  bool type_in_any = false;
};

// Orion's Fiware-ServicePath semantics: each path matches itself; a recursive path
// (`/a/#` in a query) also matches every descendant (`/a/b`, `/a/b/c`). `/#` matches all.
struct ServicePathScope {
  struct Path {
    std::string path;  // normalised, starts with '/', no trailing '/' except for root
    bool recursive = false;
  };
  std::vector<Path> paths;  // OR; empty means "/#" (everything)

  bool Contains(const std::string& service_path) const;
  static ServicePathScope Everything() { return {}; }
};

// One (types × ServicePaths) combination a caller may read (docs/security.md
// "Enforcement"): entities whose primary type is one of `types` (nullopt: every type) and
// whose ServicePath is inside `paths` (empty: every path; a rule's prefix `/a` is the
// recursive `/a/#`).
struct ReadGrant {
  std::optional<std::vector<std::string>> types;
  ServicePathScope paths;
};

struct OrderKey {
  enum class Field {
    kAttribute,
    kId,
    kType,
    kServicePath,
    kDateCreated,
    kDateModified,
    kGeoDistance
  };
  Field field = Field::kId;
  std::string attribute;  // for kAttribute
  bool descending = false;
  // For kAttribute, what of the attribute is compared (NGSI-LD 1.9.1 §4.23 orderBy paths
  // `attr.createdAt`, `attr.subProperty`): empty, its value; kMemberCreatedAt/ModifiedAt/
  // ObservedAt, those times; anything else, the value of that sub-attribute (stored name).
  std::string member{};
  static constexpr std::string_view kMemberCreatedAt = "createdAt";
  static constexpr std::string_view kMemberModifiedAt = "modifiedAt";
  static constexpr std::string_view kMemberObservedAt = "observedAt";
};

// The read rule for personal data (docs/security.md "Personal data and consent"), as the
// store evaluates it: an entity whose primary type is in `types` is selected only when
//   its type is in `own_types` and its `owner` attribute is the string `subject`, or
//   its type is in `consent_types` and a consent of its owner to `app` covering the type is
//   live at `now` in `tenant` (store/consent_store.hpp);
// an entity with a personal type that is not its primary one is never selected. Entities of
// other types are not affected. The service layer fills the lists from the caller's
// credential (assurance level, subject, client id) and the policy.
struct PersonalReadScope {
  std::string tenant;                      // consents are keyed by the tenant's name
  std::vector<std::string> types;          // every personal type of the tenant
  std::vector<std::string> own_types;      // readable by their owner (subject)
  std::string subject;                     // "" : no owner reads
  std::vector<std::string> consent_types;  // readable under a consent to `app`
  std::string app;                         // "" : no consent reads
  base::Timestamp now;
};

struct EntityQuery {
  std::vector<EntitySelector> selectors;  // OR of alternatives; empty selects all
  ServicePathScope scope;
  core::q::Filter q;
  core::q::Filter mq;
  std::optional<core::geo::GeoQuery> geo;
  // Name of the attribute holding the location; empty: the entity's location attribute
  // (the one GeoProperty it has).
  std::string geo_attribute;
  std::vector<OrderKey> order;  // empty: creation order (Orion's default)
  std::size_t offset = 0;
  std::size_t limit = 20;
  bool want_count = false;
  // When set, only entities that one of these grants covers (none when empty): what the
  // caller may read (docs/security.md), applied before counting so counts do not leak.
  std::optional<std::vector<ReadGrant>> only_grants;
  // When set, personal entities are selected by the read rule above, also before counting.
  std::optional<PersonalReadScope> personal;
  base::Timestamp now;  // entities whose expires_at <= now are invisible
};

struct EntityPage {
  std::vector<core::Entity> entities;
  std::optional<std::size_t> total_count;  // when want_count
};

// The query for the entities with these ids, all of them in one page (NGSI-LD linked entity
// retrieval reads them so, for a response and for a notification).
inline EntityQuery QueryByIds(const std::vector<std::string>& ids) {
  EntityQuery query;
  for (const auto& id : ids) {
    EntitySelector selector;
    selector.id = id;
    query.selectors.push_back(std::move(selector));
  }
  query.limit = ids.size();
  return query;
}

}  // namespace renkei::store
