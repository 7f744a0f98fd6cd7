// PeriodicNotifier: the thread that sends NGSI-LD periodic notifications (ETSI GS CIM 009
// v1.8 §5.2.12 timeInterval, §5.8.6: "a notification shall be sent periodically ... regardless
// of attribute changes"), each carrying the current entities the subscription selects. It
// reads the registry, queries the store, renders with the dialect's renderer and commits the
// messages into the same outbox as change notifications (so delivery, retries, order and
// counters are the same). A round in which the subscription selects no entity sends nothing.
// Subscriptions with timeInterval never notify on changes.
//
// Due times are kept in memory: after a restart each periodic subscription notifies at its
// first round, then every timeInterval. The time comes from the injected clock; RunOnce
// lets tests drive rounds with a manual one.
//
// Thread-safety: Start/Stop from the owner; RunOnce on one thread at a time.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>

#include <spdlog/logger.h>

#include "base/time.hpp"
#include "notify/notification_builder.hpp"
#include "notify/notification_gate.hpp"
#include "notify/subscription_registry.hpp"
#include "store/entity_store.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

struct PeriodicOptions {
  std::chrono::milliseconds tick{200};  // how often due subscriptions are looked for
  std::size_t max_entities = 1000;      // entities in one periodic notification (beyond: cut)
  std::size_t max_outbox_per_tenant = 100000;
  std::int64_t default_timeout_ms = 0;
  // The owner's re-check (nullptr: none; notification_gate.hpp): entities the owner may not
  // read are left out; a round whose entities were all left out sends nothing.
  const NotificationGate* gate = nullptr;
  std::function<void(const std::string&)> on_withheld;  // a notification withheld (metrics)
};

class PeriodicNotifier {
 public:
  PeriodicNotifier(store::EntityStore& entities, store::SubscriptionStore& store,
                   SubscriptionRegistry& registry, EntityRenderer render, const base::Clock& clock,
                   PeriodicOptions options, std::shared_ptr<spdlog::logger> logger,
                   std::function<void()> on_enqueued);
  ~PeriodicNotifier();
  PeriodicNotifier(const PeriodicNotifier&) = delete;
  PeriodicNotifier& operator=(const PeriodicNotifier&) = delete;

  void Start();
  void Stop();  // idempotent
  // One round at the clock's time: enqueues the notifications that are due; returns how many.
  base::Result<std::size_t> RunOnce();

 private:
  void Loop();
  base::Result<std::vector<core::Entity>> CurrentEntities(const CompiledSubscription& sub,
                                                          base::Timestamp now);

  store::EntityStore& entities_;
  store::SubscriptionStore& store_;
  SubscriptionRegistry& registry_;
  EntityRenderer render_;
  const base::Clock& clock_;
  PeriodicOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  std::function<void()> on_enqueued_;
  // (tenant, id) → when the next notification is due; only the round's thread touches it.
  std::map<std::pair<std::string, std::string>, base::Timestamp> due_;

  std::mutex mu_;  // guards stopping_
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace renkei::notify
