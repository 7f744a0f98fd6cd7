// SubscriptionOwner: who made a subscription, as authentication established it then
// (docs/subscriptions.md "Who a subscription notifies for"). Kept with the subscription so
// that every notification can be re-checked against the tenant's current policy
// (notification_gate.hpp). A plain copy of auth::Principal's fields: notify does not depend on
// auth. Stored in the subscription's document under "owner"; neither dialect renders it.
#pragma once

#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/result.hpp"

namespace renkei::notify {

struct SubscriptionOwner {
  std::string kind;       // "anonymous", "apiKey", "bearerToken" (the audit log's names)
  std::string subject;    // an API key's id, a token's sub
  std::string client_id;  // the app
  std::string issuer;     // a token's issuer
  std::string tenant;     // the tenant the credential belongs to
  std::vector<std::string> roles;
  int assurance_level = 0;
  bool operator==(const SubscriptionOwner&) const = default;
};

boost::json::object EncodeOwner(const SubscriptionOwner& owner);
// kInternalError when `o` is not an encoded owner.
base::Result<SubscriptionOwner> DecodeOwner(const boost::json::object& o);

}  // namespace renkei::notify
