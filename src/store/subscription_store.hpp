// SubscriptionStore: durable subscriptions, the entity-change journal and the notification
// outbox (docs/subscriptions.md "Delivery guarantees").
//
// The three together make notifications at-least-once across a crash:
//  1. While a tenant has at least one subscription, every entity write unit of that tenant
//     also appends its changes (entity before/after) to the change journal, in the same
//     transaction as the entity rows: a committed write always has its journal rows.
//  2. The notify module reads the journal (LoadChanges), matches subscriptions, and commits
//     the notifications it produced into the outbox together with the removal of the
//     journal rows it consumed (CommitMatches): one transaction, so nothing is lost or
//     enqueued twice if renkei dies in between.
//  3. Delivery reads the head of each subscription's queue (LoadOutboxHeads), sends it and
//     records the outcome (RecordDelivery): the row goes on success (or when given up) and
//     otherwise waits for its next attempt. A crash between a send and its record sends the
//     notification again after restart (the "at least" of at-least-once).
//
// Writes are units for the backend's writer like entity writes: `done` runs after the
// commit is durable (or with the failure), on the writer's thread, and must not block.
// Reads may run on any thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/entity.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

// What changes as notifications go out; kept apart from the document so that delivery
// never rewrites it. `status` is what the client set ("active", "inactive", "oneshot") or
// what the broker made it ("inactive" after a oneshot fired or maxFailsLimit was reached).
struct SubscriptionState {
  std::string status = "active";
  std::int64_t times_sent = 0;
  std::int64_t fails_counter = 0;  // failed attempts since the last success
  std::int64_t times_failed = 0;   // failed attempts in all (NGSI-LD timesFailed, §5.2.14)
  std::optional<base::Timestamp> last_notification;
  std::optional<base::Timestamp> last_success;
  std::optional<int> last_success_code;
  std::optional<base::Timestamp> last_failure;
  std::string last_failure_reason;
  bool operator==(const SubscriptionState&) const = default;
};

struct SubscriptionRecord {
  std::string tenant;
  std::string id;
  std::string document;  // JSON text, opaque to the store (notify/subscription_codec.hpp)
  SubscriptionState state;
  base::Timestamp created_at;
  bool operator==(const SubscriptionRecord&) const = default;
};

// One entity changed by one committed write unit. `before` is absent for a creation,
// `after` for a deletion.
struct EntityChange {
  std::int64_t seq = 0;  // journal order (commit order)
  std::string tenant;
  std::string correlator;  // of the request that wrote it (WriteTransaction::SetCorrelator)
  std::optional<core::Entity> before;
  std::optional<core::Entity> after;
  bool forced_update = false;  // WriteTransaction::SetForcedUpdate: counts as a change
  // The attributes the request wrote (WriteTransaction::NoteWrittenAttributes), changed or
  // not. nullopt when not recorded (journal rows and log records of older versions, units
  // that did not say): the matcher then takes the attributes whose modification time moved.
  std::optional<std::vector<std::string>> written;
};

// One notification waiting to be delivered. `seq` (assigned by the store, increasing)
// orders the notifications of one subscription. `target`, `headers` and `payload` are
// opaque to the store (notify/outbox_message.hpp).
struct OutboxEntry {
  std::int64_t seq = 0;
  std::string tenant;
  std::string subscription_id;
  std::string target;
  std::string headers;
  std::string payload;
  // The notified entities as the notify module recorded them (notify/notified_entities.hpp),
  // for the re-check at delivery; "" for rows queued before migration 8.
  std::string entities;
  int attempts = 0;
  base::Timestamp next_attempt;
  base::Timestamp created_at;
  // Read with a queue's head (SubscriptionStore::LoadOutboxHeads): rows behind it were never
  // attempted. The head is then due at once, however long its retry's back-off: each new
  // notification is tried when it comes, as Orion tries it, and fails with the head if the
  // receiver is still down (SubscriptionStore::RecordDeliveries counts it then).
  bool untried_behind = false;
  bool operator==(const OutboxEntry&) const = default;
};

// What one round of matching commits at once.
struct MatchCommit {
  std::int64_t consumed_through = 0;  // journal rows with seq <= this are removed
  std::vector<OutboxEntry> entries;   // seq ignored; assigned in order
  // Subscriptions whose status becomes "inactive" (a oneshot that fired), with the time
  // of that notification (lastNotification).
  std::vector<std::pair<std::string, std::string>> deactivate;  // (tenant, id)
  // Entries of a tenant beyond this many rows in its outbox are dropped, not stored.
  std::size_t max_outbox_per_tenant = 0;  // 0: no limit
};

// The outcome of one delivery attempt of the outbox row `seq`.
struct DeliveryRecord {
  std::int64_t seq = 0;
  std::string tenant;
  std::string subscription_id;
  base::Timestamp at;
  bool delivered = false;          // the receiver acknowledged (HTTP 2xx); the row goes
  std::optional<int> status_code;  // the receiver's status, when it answered
  std::string failure_reason;      // when not delivered
  bool give_up = false;            // not delivered, but the row goes (retries exhausted)
  base::Timestamp next_attempt;    // when not delivered and not given up
  std::optional<std::int64_t> max_fails_limit;  // reaching it makes the subscription inactive
  // Not sent: the subscription's owner may no longer read what it notifies. The row goes;
  // neither success nor failure (the counters and status stay as they are).
  bool withheld = false;
  // The notification's first attempt. A notification counts once in timesSent, and once in
  // failsCounter/timesFailed when that attempt fails; its retries move the times only (Orion
  // counts notifications, and sends each once).
  bool first_attempt = false;
  // NGSI-LD subscriptions count every attempt instead (§5.2.12: timesSent is the number of
  // times the notification was sent, timesFailed of unsuccessful responses or timeouts).
  bool counts_attempts = false;
  bool Counts() const { return first_attempt || counts_attempts; }
};

// What waits in the notification pipeline of one tenant (GET /metrics, docs/metrics.md).
struct NotifyBacklog {
  std::string tenant;
  std::size_t subscriptions = 0;
  std::size_t outbox = 0;   // notifications not yet delivered
  std::size_t journal = 0;  // committed changes not yet matched
  bool operator==(const NotifyBacklog&) const = default;
};

// SubscriptionStore::SetJournalFilter's question: may a subscription of `tenant` select the
// entity with this id?
using JournalFilter = std::function<bool(const std::string& tenant, std::string_view entity_id)>;

class SubscriptionStore {
 public:
  virtual ~SubscriptionStore() = default;

  // ---- subscriptions
  // Every stored subscription of every tenant (the notify module's cache at start).
  virtual base::Result<std::vector<SubscriptionRecord>> LoadSubscriptions() = 0;
  // nullopt when the tenant has no subscription with this id.
  virtual base::Result<std::optional<SubscriptionRecord>> FindSubscription(
      const std::string& tenant, const std::string& id) = 0;
  // The tenant's subscriptions in creation order, paginated; the tenant's total in `total`.
  virtual base::Result<std::vector<SubscriptionRecord>> ListSubscriptions(const std::string& tenant,
                                                                          std::size_t offset,
                                                                          std::size_t limit,
                                                                          std::size_t* total) = 0;
  // Stores a new subscription. kAlreadyExists when the id is taken in the tenant;
  // kTooManyResults when the tenant already has `max_per_tenant` (0: no limit).
  virtual void CreateSubscription(SubscriptionRecord record, std::size_t max_per_tenant,
                                  WriteDone done) = 0;
  // Replaces document and status (the counters stay). kResourceNotFound when absent.
  virtual void UpdateSubscription(SubscriptionRecord record, WriteDone done) = 0;
  // Removes the subscription and its undelivered notifications. kResourceNotFound when absent.
  virtual void EraseSubscription(std::string tenant, std::string id, WriteDone done) = 0;

  // ---- change journal
  // Called on the writer thread after every commit that appended journal rows; must not
  // block. Set once, before the first write.
  virtual void SetChangeListener(std::function<void()> listener) = 0;
  // Narrows the journal: a changed entity whose id `may_notify(tenant, entity id)` refuses
  // gets no journal row, and the write unit keeps no previous state for it, so changes that
  // no subscription can select cost the writer nothing (docs/adr/0006, 0011). Asked on the
  // writer thread inside the write, once per entity id and unit, before the entity's
  // previous state is read; must be cheap, thread-safe and must not call the store. Set
  // once, before the first write; without it every change of such a tenant is journaled.
  virtual void SetJournalFilter(JournalFilter may_notify) = 0;
  // The seq of the newest journal row committed so far (0: none ever). Read after a
  // subscription change committed (and before anyone hears of it), it tells the journal rows
  // written before the change (seq up to it) from those written after, so that each write is
  // matched against the subscriptions as they were when it committed (SubscriptionRegistry).
  // Cheap (no store access); any thread.
  virtual std::int64_t JournalPosition() const = 0;
  // Journal rows with seq > after_seq, oldest first, at most `limit`.
  virtual base::Result<std::vector<EntityChange>> LoadChanges(std::int64_t after_seq,
                                                              std::size_t limit) = 0;
  // Commits a round of matching; `done` gets how many entries were dropped by the cap.
  virtual void CommitMatches(MatchCommit commit,
                             std::function<void(base::Result<std::size_t>)> done) = 0;

  // ---- outbox
  // The oldest row of each subscription's queue, earliest next_attempt first, at most `limit`.
  virtual base::Result<std::vector<OutboxEntry>> LoadOutboxHeads(std::size_t limit) = 0;
  // The rows of one subscription's queue after `after_seq`, oldest first, at most `limit`:
  // what delivery sends in order behind a head it was given (a delivery batch).
  virtual base::Result<std::vector<OutboxEntry>> LoadOutboxQueue(const std::string& tenant,
                                                                 const std::string& subscription_id,
                                                                 std::int64_t after_seq,
                                                                 std::size_t limit) = 0;
  // Rows in the tenant's outbox.
  virtual base::Result<std::size_t> CountOutbox(const std::string& tenant) = 0;
  // Whether notifications of the subscription may still come from what is already written:
  // committed changes of the tenant not yet matched (the journal, the write log's
  // acknowledged records applied first), or rows of its queue never tried or due at `now`.
  // A read of the subscription waits while it is true, briefly (SubscriptionService).
  virtual base::Result<bool> HasPendingNotifications(const std::string& tenant,
                                                     const std::string& subscription_id,
                                                     base::Timestamp now) = 0;
  // Per tenant with at least one subscription, outbox row or journal row, by tenant name.
  virtual base::Result<std::vector<NotifyBacklog>> LoadNotifyBacklog() = 0;
  // Records an attempt: counters of the subscription (timesSent, lastNotification,
  // lastSuccess/lastSuccessCode or lastFailure/lastFailureReason, failsCounter) and the row
  // (removed, or attempts and next_attempt updated). When failsCounter reaches
  // max_fails_limit the subscription becomes inactive and its queue is emptied. `done` gets
  // true when that happened. A row or subscription deleted meanwhile is not an error.
  virtual void RecordDelivery(DeliveryRecord record,
                              std::function<void(base::Result<bool>)> done) = 0;
  // RecordDelivery for each record, in order, in one transaction: one durable commit for a
  // batch of attempts (one subscription's rows sent one after the other). `done` gets true
  // when one of them made its subscription inactive.
  virtual void RecordDeliveries(std::vector<DeliveryRecord> records,
                                std::function<void(base::Result<bool>)> done) = 0;
};

}  // namespace renkei::store
