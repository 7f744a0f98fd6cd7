// DeliveryWorker: sends the outbox (docs/subscriptions.md "Delivery guarantees").
//
// One scheduler thread reads the head row of every subscription's queue
// (SubscriptionStore::LoadOutboxHeads) and hands the due ones to a pool of sender threads,
// never two rows of one subscription at a time: a subscription's notifications go out in
// order, and the next waits until the previous was delivered or given up. A slow or dead
// receiver holds one sender thread for at most its timeout and delays only its own queue
// (its head waits for its backoff); the others keep flowing on the other threads.
//
// A sender given a due head also takes the rows queued behind it (up to
// batch_per_subscription, SubscriptionStore::LoadOutboxQueue) and sends them in order on the
// same thread, pipeline_depth at a time (Sender::SendBatch: HTTP requests to one receiver
// pipelined on one connection, docs/adr/0011), stopping at the first that is not
// acknowledged (the rows after it are sent again after its retry, even if a pipelined copy
// reached the receiver); the attempts are then recorded together
// (SubscriptionStore::RecordDeliveries), one durable commit for the batch instead of one per
// notification (docs/adr/0006). A crash before that commit sends the batch again after restart
// (at-least-once).
//
// Each attempt is recorded: on 2xx the row goes; on a failure it waits RetryDelay(attempts)
// and is retried, until the retry policy gives up.
// Counters and maxFailsLimit follow Orion; a subscription made inactive is marked so in the
// registry. Rows left by a crash are simply read again after restart.
//
// Before a batch is sent, its rows are re-checked (DeliveryOptions::gate,
// notification_gate.hpp) with the entities each row recorded (notified_entities.hpp; no
// store read): one evaluation of the owner's current rights per batch. A row with an entity
// the owner may no longer read is withheld: removed without sending, counted by on_withheld,
// neither a success nor a failure (counters, failsCounter and status unchanged).
//
// Thread-safety: Wake may be called from any thread; Start/Stop by the owner.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <thread>
#include <vector>

#include <spdlog/logger.h>

#include "base/time.hpp"
#include "notify/backoff.hpp"
#include "notify/notification_gate.hpp"
#include "notify/sender.hpp"
#include "notify/subscription_registry.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

struct DeliveryOptions {
  std::size_t senders = 8;  // concurrent deliveries (threads)
  std::size_t heads_per_poll = 1024;
  std::size_t batch_per_subscription = 128;  // rows of one queue sent per durable record
  // Rows of a batch handed to Sender::SendBatch at once: HTTP requests written before their
  // answers are read (pipelining, docs/adr/0011); 1 sends each after the previous answer.
  std::size_t pipeline_depth = 128;
  RetryPolicy retry;
  std::chrono::milliseconds idle_poll{1000};  // re-read the outbox at least this often
  // Told of every attempt as it is recorded (metrics); runs on a sender thread.
  std::function<void(const store::DeliveryRecord&)> on_attempt;
  // The owner's re-check (nullptr: none); outlives the worker.
  const NotificationGate* gate = nullptr;
  // Told of each row withheld by the gate (metrics), with its tenant; on a sender thread.
  std::function<void(const std::string&)> on_withheld;
};

class DeliveryWorker {
 public:
  DeliveryWorker(store::SubscriptionStore& store, SubscriptionRegistry& registry, Sender& sender,
                 const base::Clock& clock, DeliveryOptions options,
                 std::shared_ptr<spdlog::logger> logger);
  ~DeliveryWorker();
  DeliveryWorker(const DeliveryWorker&) = delete;
  DeliveryWorker& operator=(const DeliveryWorker&) = delete;

  void Start();
  void Wake();
  // Lets in-flight deliveries finish (each bounded by its timeout) and joins. Idempotent.
  void Stop();

 private:
  using Key = std::pair<std::string, std::string>;  // tenant, subscription id
  void ScheduleLoop();
  void SendLoop();
  // The head and the due rows queued behind it, oldest first.
  std::vector<store::OutboxEntry> TakeBatch(store::OutboxEntry head);
  // Sends the rows in order until one fails and records the attempts; the last record when
  // they were stored, nullopt when the store failed.
  std::optional<store::DeliveryRecord> Deliver(const std::vector<store::OutboxEntry>& batch);
  // Sends the rows in order, pipeline_depth at a time (Sender::SendBatch), up to and
  // including the first not delivered; their records, in order.
  std::vector<store::DeliveryRecord> Attempt(const std::vector<store::OutboxEntry>& batch);
  static std::int64_t CountedFailures(const std::vector<store::OutboxEntry>& batch,
                                      const store::DeliveryRecord& failure);
  // Splits `batch` into the rows the owner may still be notified of (returned, in order) and
  // the records of those withheld (appended to `withheld`). nullopt: every row may go, send
  // `batch` itself (no copy of the payloads on the common path).
  std::optional<std::vector<store::OutboxEntry>> Recheck(
      const std::vector<store::OutboxEntry>& batch, const Subscription* sub,
      std::vector<store::DeliveryRecord>& withheld);
  // The record of one attempt (backoff, give-up) and on_attempt told of it.
  store::DeliveryRecord RecordOf(const store::OutboxEntry& entry, const SendOutcome& outcome);

  store::SubscriptionStore& store_;
  SubscriptionRegistry& registry_;
  Sender& sender_;
  const base::Clock& clock_;
  DeliveryOptions options_;
  std::shared_ptr<spdlog::logger> logger_;

  std::mutex mu_;  // guards everything below
  std::condition_variable schedule_cv_;
  std::condition_variable work_cv_;
  bool woken_ = false;
  bool stopping_ = false;
  std::atomic<bool> stop_requested_{false};  // read between the sends of a batch
  std::set<Key> in_flight_;
  // The last recorded attempt per subscription. The scheduler's read of the outbox may
  // predate a record that committed just before it takes mu_; this tells such a stale head
  // (already removed, or retried later) from a due one, so nothing is sent twice.
  std::map<Key, store::DeliveryRecord> last_recorded_;
  std::deque<store::OutboxEntry> work_;
  std::thread scheduler_;
  std::vector<std::thread> senders_;
};

}  // namespace renkei::notify
