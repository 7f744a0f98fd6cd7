// NotificationAccess: the notify module's NotificationGate (notify/notification_gate.hpp):
// a subscription notifies only what its owner may read under the tenant's *current* policy
// (issue 5 item 3; docs/subscriptions.md "Who a subscription notifies for").
//
// For each check the stored owner (notify::SubscriptionOwner) becomes the principal again;
// its permissions are evaluated with the tenant's policy as it is now (auth::Authenticator::
// AccessFor, policies cached by PolicyService), and every entity goes through
// DecideRead (personal_data_guard.hpp), the same per-entity decision as a by-id read's: the
// policy, and for a personal entity (docs/security.md "Personal data and consent") the
// owner's or a live consent at the time of the check, so that a revoked consent stops notifications
// at once, queued ones included. An owner whose API key has since been revoked (or is unknown) has
// no permissions. Fail closed: a subscription without an owner in a tenant that now has
// authentication on, or a policy that cannot be read, notifies nothing. A tenant with
// authentication off checks nothing (as its requests).
//
// Thread-safety: CheckFor may be called from any thread; the checks it returns too.
#pragma once

#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "notify/notification_gate.hpp"
#include "service/api_key_service.hpp"
#include "service/personal_data_guard.hpp"
#include "service/request_context.hpp"

namespace renkei::service {

class NotificationAccess final : public notify::NotificationGate {
 public:
  // All outlive this object; `personal` nullptr: personal entities are never notified.
  NotificationAccess(const auth::Authenticator& authenticator, const ApiKeyService& keys,
                     const PersonalDataGuard* personal, const base::Clock& clock)
      : authenticator_(authenticator), keys_(keys), personal_(personal), clock_(clock) {}

  notify::EntityCheck CheckFor(const std::string& tenant,
                               const notify::Subscription& sub) const override;

 private:
  const auth::Authenticator& authenticator_;
  const ApiKeyService& keys_;
  const PersonalDataGuard* personal_;
  const base::Clock& clock_;
};

// The owner to store for a subscription made or taken over by ctx's caller; nullopt when
// the tenant has authentication off.
std::optional<notify::SubscriptionOwner> SubscriptionOwnerOf(const RequestContext& ctx);
// The principal a stored owner stands for.
auth::Principal PrincipalOf(const notify::SubscriptionOwner& owner);

}  // namespace renkei::service
