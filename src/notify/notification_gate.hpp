// NotificationGate: whether a subscription's owner may still read an entity it is about to be
// notified of (issue 5 item 3: "subscriptions only ever notify what their owner may read,
// re-checked at delivery"; docs/subscriptions.md "Who a subscription notifies for").
//
// Asked when matching turns a change into a notification, when a periodic notification
// collects its entities, and again right before delivery sends an outbox row (with the entity
// as the row recorded it: notified_entities.hpp). The implementation (service layer) evaluates
// the tenant's *current* policy for the stored owner; notify knows nothing of policies.
//
// Thread-safety: implementations are called from the matching, periodic and sender threads.
#pragma once

#include <functional>
#include <string>

#include "core/entity.hpp"
#include "notify/subscription.hpp"

namespace renkei::notify {

// True: the entity may be notified. Evaluated once (the owner's permissions now) and asked
// per entity, so a batch costs one policy evaluation. An empty check lets everything through
// (a subscription without an owner in a tenant with authentication off).
using EntityCheck = std::function<bool(const core::Entity&)>;

class NotificationGate {
 public:
  virtual ~NotificationGate() = default;
  // The check for `sub` of `tenant` as things stand now.
  virtual EntityCheck CheckFor(const std::string& tenant, const Subscription& sub) const = 0;
};

}  // namespace renkei::notify
