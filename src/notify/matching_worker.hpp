// MatchingWorker: the thread that turns committed entity changes into outbox rows, off the
// request path (docs/subscriptions.md). The store calls Wake() after a commit that
// journaled changes (on its writer thread: Wake only sets a flag); this thread then reads
// the journal in order, matches each change against the tenant's subscriptions
// (SubscriptionRegistry), builds the notifications and commits them together with the
// removal of the journal rows they came from (SubscriptionStore::CommitMatches), then wakes
// delivery. The writer's extra cost per unit is the journal row, whatever the number of
// subscriptions; matching cost lands here, and a change is matched only against the
// subscriptions that can select its entity (candidate_index.hpp).
//
// A failed commit leaves the journal as it was: the same changes are matched again on the
// next round (nothing is lost; nothing was enqueued). Status, expiry and throttling are
// checked here: a subscription that is inactive or expired when the change is matched does
// not notify. So is its owner's right to read the entity (MatchingOptions::gate,
// notification_gate.hpp, evaluated once per subscription and round): a change the owner may
// not read is withheld (not enqueued, no throttling slot used, counted by on_withheld).
//
// Thread-safety: Wake may be called from any thread; Stop from the owner.
#pragma once

#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <spdlog/logger.h>

#include "base/time.hpp"
#include "notify/candidate_index.hpp"
#include "notify/notification_builder.hpp"
#include "notify/notification_gate.hpp"
#include "notify/subscription_registry.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

struct MatchingOptions {
  std::size_t batch = 256;  // journal rows per round at most
  // A round stops after the request whose changes reached this many notifications.
  std::size_t max_notifications_per_round = 4096;
  std::size_t max_outbox_per_tenant = 100000;  // 0: no limit
  std::int64_t default_timeout_ms = 0;         // recorded when http.timeout is absent
  std::chrono::milliseconds idle_poll{1000};   // re-read the journal at least this often
  // Told how many notifications a round dropped because an outbox was full (metrics).
  std::function<void(std::size_t)> on_outbox_full;
  // The owner's re-check (nullptr: none); outlives the worker.
  const NotificationGate* gate = nullptr;
  // Told of each notification withheld by the gate (metrics), with its tenant.
  std::function<void(const std::string&)> on_withheld;
  // Where NGSI-LD join reads linked entities (linked_entity_reader.hpp; nullptr: none are
  // shown); outlives the worker.
  store::EntityStore* entities = nullptr;
};

class MatchingWorker {
 public:
  // `on_enqueued` runs on this worker's thread after outbox rows were committed.
  MatchingWorker(store::SubscriptionStore& store, SubscriptionRegistry& registry,
                 EntityRenderer render, const base::Clock& clock, MatchingOptions options,
                 std::shared_ptr<spdlog::logger> logger, std::function<void()> on_enqueued);
  ~MatchingWorker();
  MatchingWorker(const MatchingWorker&) = delete;
  MatchingWorker& operator=(const MatchingWorker&) = delete;

  void Start();
  void Wake();
  // Finishes the current round and joins the thread. Idempotent.
  void Stop();
  // Runs one round on the calling thread (tests): returns how many changes were consumed.
  base::Result<std::size_t> RunOnce();

 private:
  void Loop();
  // Removes the journal rows up to cursor_ that matched nothing (one commit).
  base::Result<void> RemoveConsumed();
  // The candidate index of the tenant's subscriptions, rebuilt when the registry changed.
  const CandidateIndex& IndexFor(const std::string& tenant);

  store::SubscriptionStore& store_;
  SubscriptionRegistry& registry_;
  EntityRenderer render_;
  const base::Clock& clock_;
  MatchingOptions options_;
  std::shared_ptr<spdlog::logger> logger_;
  std::function<void()> on_enqueued_;

  std::mutex mu_;  // guards woken_, stopping_
  std::condition_variable cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::thread thread_;
  // Used by the thread running RunOnce only. Journal rows up to cursor_ are matched; those
  // up to removed_through_ are also gone from the store.
  std::int64_t cursor_ = 0;
  std::int64_t removed_through_ = 0;
  struct TenantIndex {
    std::uint64_t generation = 0;
    CandidateIndex index;
  };
  std::map<std::string, TenantIndex, std::less<>> indexes_;
};

}  // namespace renkei::notify
