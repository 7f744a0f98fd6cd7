// SubscriptionRegistry: the in-memory view of every tenant's subscriptions that matching
// reads (compiled once), with what changes between notifications: the status (a oneshot
// that fired, maxFailsLimit reached) and the time of the last notification (throttling,
// local to this process as in Orion: "throttling ... is implemented in a local way").
// The store stays the truth; the service updates the registry after each committed change.
//
// A write is matched against the subscriptions as they were when it committed (as Orion,
// which matches inside the update): a change of a subscription is put with the journal
// position it committed at (store::SubscriptionStore::JournalPosition), and until matching
// has consumed the journal rows up to there (ReleaseThrough) the version it replaced is kept
// for them (FindFor). So a write acknowledged before a subscription was edited, created or
// deleted and matched after is matched against the subscription before the edit (Orion case
// 1678_geosubscriptions), and a write after it against the edited one.
//
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "notify/candidate_index.hpp"
#include "notify/matcher.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

struct RegisteredSubscription {
  std::shared_ptr<const CompiledSubscription> compiled;
  std::string status;  // active, inactive, oneshot
};

class SubscriptionRegistry {
 public:
  // Loads every stored subscription (at start). A document that no longer decodes or
  // compiles is skipped (it stays stored and visible to GET) and named in the returned list,
  // "id: why"; an error is a store failure.
  base::Result<std::vector<std::string>> Load(store::SubscriptionStore& store);

  // `journal_position`: the subscription (created or changed) applies to the journal rows
  // after it; the rows up to it keep seeing what was there before (0: every row).
  void Put(std::shared_ptr<const CompiledSubscription> compiled, std::string status,
           std::int64_t journal_position);
  void Remove(const std::string& tenant, const std::string& id, std::int64_t journal_position);
  // Every status, the current one and those kept for journal rows before a change (a oneshot
  // that fired must not fire again through an older version).
  void SetStatus(const std::string& tenant, const std::string& id, const std::string& status);
  std::vector<RegisteredSubscription> ForTenant(const std::string& tenant) const;
  // ForTenant with the versions kept for journal rows before a change (and subscriptions
  // removed after them): what matching builds its candidate index from.
  std::vector<RegisteredSubscription> ForMatching(const std::string& tenant) const;
  // Every tenant's subscriptions with an NGSI-LD timeInterval (the periodic notifier's,
  // kept apart so its rounds do not copy every subscription: 10,000 of them five times a
  // second showed in the write path's profile, docs/adr/0011).
  std::vector<RegisteredSubscription> Periodic() const;
  // Changes whenever a subscription is loaded, put or removed (not on status changes), so a
  // reader may keep what it derived from ForTenant (an index) until it changes.
  std::uint64_t Generation() const;
  std::optional<RegisteredSubscription> Find(const std::string& tenant,
                                             const std::string& id) const;
  // The subscription as it was when the journal row `seq` committed: nullopt when it did not
  // exist then (created later) or does not exist now and was removed before.
  std::optional<RegisteredSubscription> FindFor(const std::string& tenant, const std::string& id,
                                                std::int64_t seq) const;
  // Matching consumed the journal rows up to `seq`: the versions kept for them go.
  void ReleaseThrough(std::int64_t seq);

  // Whether a subscription of the tenant may select an entity with this id (CandidateIndex,
  // kept per tenant until its subscriptions change): the store's journal filter.
  bool MaySelect(const std::string& tenant, std::string_view entity_id) const;

  // Throttling: true when a notification of this subscription at `now` must be discarded
  // (less than `seconds` since the last one); otherwise records `now` and returns false.
  bool Throttled(const std::string& tenant, const std::string& id, std::int64_t seconds,
                 base::Timestamp now);

  // Notifications on the wire (delivery adds them before sending and takes them back when
  // the answers are in, before committing the outcome), so that a subscription read while
  // its receiver holds a notification counts it in timesSent (a receiver may read the
  // subscription as soon as it got one). Read it after the stored counters: then a
  // notification is never counted twice.
  // `sent_at`: when they went out (shown as lastNotification while they are on the wire).
  void AddInFlight(const std::string& tenant, const std::string& id, std::int64_t count,
                   base::Timestamp sent_at);
  // The newest answered attempt, noted when its answer arrives: its outcome is shown before
  // the store has it (a receiver that reads the subscription as soon as it answered, ETSI
  // 046_12_01, sees lastSuccess and status). `answered`: the notifications of the group it
  // ends, counted in timesSent until the store's lastNotification reaches the attempt
  // (ETSI 046_11_01); `failed`: those of them counted as failed (failsCounter, timesFailed)
  // until then. Records that are withheld are not attempts.
  void NoteOutcome(const std::string& tenant, const std::string& id,
                   const store::DeliveryRecord& attempt, std::int64_t answered,
                   std::int64_t failed);
  // Waits at most `bound` while notifications of the subscription are on the wire, so that a
  // read right after its receiver got one (ETSI 046_12_01 reads as soon as its receiver has
  // the notification, while renkei may still wait for the receiver's answer) shows that
  // notification's outcome. Returns at once when none are.
  void AwaitAnswers(const std::string& tenant, const std::string& id,
                    std::chrono::milliseconds bound) const;
  // `stored` with what delivery knows and the store may not have yet: the notifications on
  // the wire counted in timesSent, and the times and status of the newest attempt when it is
  // newer than the stored ones. Call it after reading the store: then nothing counts twice.
  store::SubscriptionState WithUncommitted(const std::string& tenant, const std::string& id,
                                           store::SubscriptionState stored) const;

 private:
  struct Entry {
    RegisteredSubscription sub;
    std::optional<base::Timestamp> last_notified;
    std::int64_t in_flight = 0;
    base::Timestamp in_flight_since;
    std::optional<store::DeliveryRecord> last_answered;  // its time and outcome only
    std::int64_t answered = 0;         // notifications that attempt's group put on the wire
    std::int64_t answered_failed = 0;  // of them, failed
  };
  mutable std::mutex mu_;                    // guards tenants_
  mutable std::condition_variable answers_;  // notified when notifications leave the wire
  std::map<std::string, std::map<std::string, Entry>, std::less<>> tenants_;
  std::uint64_t generation_ = 0;
  // Built on demand by MaySelect; a tenant's entry goes when its subscriptions change.
  mutable std::map<std::string, CandidateIndex, std::less<>> may_select_;
  std::set<std::pair<std::string, std::string>> periodic_;  // tenant, id (Periodic)
  // What a subscription was for the journal rows up to `through` (nullopt: it did not exist),
  // oldest first, per (tenant, id); the current version (tenants_) follows the last.
  struct Superseded {
    std::int64_t through = 0;
    std::optional<RegisteredSubscription> sub;
  };
  std::map<std::pair<std::string, std::string>, std::vector<Superseded>> superseded_;
  std::int64_t released_through_ = 0;  // ReleaseThrough's furthest seq

  // mu_ held: keeps `before` for the journal rows up to `journal_position` while matching may
  // still need it.
  void Supersede(const std::string& tenant, const std::string& id,
                 std::optional<RegisteredSubscription> before, std::int64_t journal_position);

  void NotePeriodic(const CompiledSubscription& compiled);  // mu_ held
};

}  // namespace renkei::notify
