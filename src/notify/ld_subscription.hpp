// The NGSI-LD members of a Subscription (ETSI GS CIM 009 v1.8 §5.2.12 Subscription, §5.2.14
// NotificationParams, §5.2.15 Endpoint) that have no NGSIv2 counterpart. The members both
// dialects share live in Subscription itself: watchedAttributes in condition_attrs,
// notification.attributes in attrs, the endpoint in http or mqtt, expiresAt in expires,
// throttling, isActive in status ("inactive" when paused). Names are stored names (the
// expanded term compacted with the core @context, docs/ngsild-mapping.md), so a change
// written through NGSIv2 matches the same way. Plain data; `EncodeLd`/`DecodeLd` are its
// stored JSON (inside the subscription document, member "ngsild").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace renkei::notify {

// §5.2.12 notificationTrigger values.
enum class LdTrigger {
  kEntityCreated,
  kEntityUpdated,
  kEntityDeleted,
  kAttributeCreated,
  kAttributeUpdated,
  kAttributeDeleted,
};

// §5.2.33 EntitySelector: `type` is a type selection (§4.17) as written, its names resolved
// through LdSubscription::terms.
struct LdEntitySelector {
  std::optional<std::string> id;
  std::optional<std::string> id_pattern;
  std::string type;
};

// §5.2.13 GeoQuery.
struct LdGeoQuery {
  std::string geometry;
  std::string coordinates;  // JSON text
  std::string georel;
  std::string geoproperty = "location";  // stored name
};

struct LdSubscription {
  // The representation GET answers with (§5.2.12), names stored, without id, status and
  // counters: the dialect renders it, compacting names with the request's @context.
  boost::json::object document;
  // The user @context of the creating request (null: the core context alone); notifications
  // are compacted with it (§5.2.12 jsonldContext).
  boost::json::value context;
  // term → stored name for every term of q, type selections and geoproperty: matching parses
  // them again at start without the @context machinery.
  std::vector<std::pair<std::string, std::string>> terms;
  std::vector<LdEntitySelector> entities;
  std::string q;        // §4.9, "" when absent
  std::string scope_q;  // §4.19, "" when absent
  std::optional<LdGeoQuery> geo_q;
  std::vector<LdTrigger> triggers;    // empty: attributeCreated + attributeUpdated (§5.2.12)
  std::string format = "normalized";  // normalized, concise or keyValues (§5.2.14)
  bool show_changes = false;
  bool sys_attrs = false;
  std::optional<std::string> lang;
  std::string accept = "application/json";  // or application/ld+json (§5.2.15)
  std::vector<std::pair<std::string, std::string>> receiver_info;  // sent as headers
  std::optional<std::int64_t> time_interval;                       // seconds (§5.2.12)
  // §5.2.14 join / joinLevel (linked entity retrieval, §4.5.23): "flat" or "inline" adds the
  // entities the notified entities link to, join_level relationship hops deep; "" (absent or
  // "@none"): none.
  std::string join;
  std::size_t join_level = 1;
};

std::string_view LdTriggerName(LdTrigger trigger);
std::optional<LdTrigger> ParseLdTrigger(std::string_view name);
// The triggers in effect (the default when none were given).
std::vector<LdTrigger> EffectiveTriggers(const LdSubscription& ld);

boost::json::object EncodeLd(const LdSubscription& ld);
// kInternalError when `o` is not what EncodeLd wrote.
base::Result<LdSubscription> DecodeLd(const boost::json::object& o);

}  // namespace renkei::notify
