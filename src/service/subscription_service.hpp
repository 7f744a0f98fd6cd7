// SubscriptionService: the subscription use cases (create, retrieve, list, update, delete)
// both dialects call. The store holds subscriptions durably; after each committed change the
// service updates the notify registry that matching reads, so a subscription matches the
// writes committed after its creation was acknowledged.
//
// Per-tenant caps (docs/subscriptions.md "Limits"): at most `max_per_tenant` subscriptions
// (kTooManyResults otherwise, checked in the same transaction as the insert). Receiver URLs
// go through the receiver guard (notify/receiver_guard.hpp) on create and update.
//
// Thread-safety: all methods may be called concurrently from any thread. Callbacks of write
// methods run on the store's writer thread and must not block.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "notify/receiver_guard.hpp"
#include "notify/subscription.hpp"
#include "notify/subscription_registry.hpp"
#include "service/entity_service.hpp"
#include "service/request_context.hpp"
#include "store/subscription_store.hpp"

namespace renkei::service {

struct SubscriptionLimits {
  std::size_t max_per_tenant = 1000;
  // How long a read of one subscription waits for the answers to its notifications on the
  // wire (SubscriptionRegistry::AwaitAnswers; docs/subscriptions.md): a receiver that reads
  // the subscription as soon as it got a notification sees that notification's outcome.
  std::chrono::milliseconds answer_wait{250};
};

// A subscription as stored: what the client asked for and how delivery went.
struct SubscriptionView {
  notify::Subscription subscription;
  store::SubscriptionState state;
};

class SubscriptionService {
 public:
  // `guard` (may be null: no check) outlives the service.
  SubscriptionService(store::SubscriptionStore& store, notify::SubscriptionRegistry& registry,
                      SubscriptionLimits limits, const notify::ReceiverGuard* guard = nullptr);

  // Stores `sub` with a new id (24 hex digits, as Orion's) unless it has one already (an
  // NGSI-LD subscription's URI), which the callback gets; kAlreadyExists when that id is taken.
  // kBadRequestData when an expression or pattern does not compile or the receiver guard
  // refuses the URL; kTooManyResults at the tenant's cap.
  void Create(const RequestContext& ctx, notify::Subscription sub, Callback<std::string> done);
  // kResourceNotFound (Orion's text) when the tenant has no such subscription, or when
  // `service_path` is given and is not the subscription's ServicePath. Waits up to
  // SubscriptionLimits::answer_wait while notifications of it are on the wire or may still
  // come from what is already written (AwaitSettled).
  base::Result<SubscriptionView> Retrieve(
      const RequestContext& ctx, const std::string& id,
      const std::optional<std::string>& service_path = std::nullopt) const;
  // The tenant's subscriptions of one dialect (`ngsild`: made through NGSI-LD or not),
  // paginated; with `service_path`, only those stored with exactly that ServicePath (Orion
  // 4.x narrows GET /v2/subscriptions so; "/#" lists all). `total` counts what matched.
  base::Result<std::vector<SubscriptionView>> List(
      const RequestContext& ctx, std::size_t offset, std::size_t limit, std::size_t* total,
      bool ngsild = false, const std::optional<std::string>& service_path = std::nullopt) const;
  // Applies `edit` to the stored subscription and stores the result (counters kept).
  using SubscriptionEdit = std::function<base::Result<void>(notify::Subscription&)>;
  void Update(const RequestContext& ctx, std::string id, SubscriptionEdit edit,
              Callback<void> done);
  void Delete(const RequestContext& ctx, std::string id, Callback<void> done);

 private:
  // Waits, at most SubscriptionLimits::answer_wait, until nothing already written can still
  // notify the subscription (store::SubscriptionStore::HasPendingNotifications) and none of
  // its notifications is on the wire: a client that writes, then reads the subscription,
  // sees what became of the notifications of its writes (Orion's cases 3541 read
  // failsCounter right after two upserts, ETSI 046_12_01 lastSuccess). Notifications
  // waiting for a retry's back-off are not waited for.
  void AwaitSettled(const RequestContext& ctx, const std::string& id) const;
  std::string NewId(base::Timestamp now);
  base::Result<void> CheckReceiver(const notify::Subscription& sub) const;

  store::SubscriptionStore& store_;
  notify::SubscriptionRegistry& registry_;
  SubscriptionLimits limits_;
  const notify::ReceiverGuard* guard_;
  std::mutex ids_mu_;  // guards ids_
  std::mt19937_64 ids_;
};

}  // namespace renkei::service
