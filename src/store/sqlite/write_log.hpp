// WriteLog: option B of docs/adr/0013-write-throughput.md, the record-level redo log in front
// of SQLite, as the store's sequencer and applier share it.
//
//   sequencer thread    runs a write unit against the overlay and a read connection
//                       (logged_transaction.hpp) and Appends the unit's record: the record
//                       goes to the RecordLog, its entities into the overlay, the record into
//                       the queue for the applier;
//   log syncer thread   syncs the RecordLog for every group the sequencer Handed over, makes
//                       the group's records available to the applier, then acknowledges it;
//   applier (writer)    TakeSynced, copies them into SQLite (log_applier.hpp), then Applied:
//                       the overlay lets go of them and waiting queries go on; once the WAL
//                       holding them is synced, DropThrough removes the log segments.
//
// Reads see every acknowledged write: by-id reads merge the overlay (entity_overlay.hpp);
// queries first WaitForAcknowledged, until everything synced is applied (the barrier).
//
// When the applier runs (ApplyDueIn): a batch costs less per entity the larger it is (ADR
// 0013: 91 µs per entity at 1k sorted, 66 at 10k, 36 at 100k), so synced records wait up to
// `ApplyTiming::delay` to gather, unless a query is waiting for them, they already make a
// full batch, the overlay holds half its back-pressure bound (so a bulk load keeps the
// sequencer and the applier busy at once), or one of them carries journal rows
// (subscriptions are notified after the apply, so those wait only `journal_delay`, none by default:
// matched group by group, the notifications of successive requests leave in their order).
//
// Thread-safety: Append and Hand from the sequencer thread only; TakeSynced, Requeue and
// Applied from the applier only; the rest from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/entity_overlay.hpp"
#include "store/sqlite/record_log.hpp"
#include "store/sqlite/unit_record.hpp"
#include "store/sqlite/wal_syncer.hpp"

namespace renkei::store::sqlite {

struct ApplyTiming {
  std::size_t batch = 50000;  // entity writes that make a batch due at once
  std::chrono::milliseconds delay{300};
  std::chrono::milliseconds journal_delay{0};
  // The overlay's back-pressure bounds: at them writers wait; from half of them on the records
  // are applied at once.
  std::size_t max_overlay_keys = 100000;
  std::size_t max_overlay_bytes = 64u << 20;
};

// What the log holds that the tables do not yet (GET /metrics).
struct WriteLogStats {
  std::uint64_t unapplied_records = 0;  // appended, not applied (synced or not)
  std::size_t unapplied_entities = 0;   // keys in the overlay
  std::size_t unapplied_bytes = 0;      // their encoded size
};

class WriteLog {
 public:
  // Opens the log in `dir` for a database whose tables hold records up to `applied_seq`.
  // `on_synced` runs on the log syncer thread whenever records became available to the
  // applier (the store wakes its writer).
  static base::Result<std::unique_ptr<WriteLog>> Open(const std::string& dir,
                                                      std::uint64_t applied_seq,
                                                      std::function<void()> on_synced);
  ~WriteLog();
  WriteLog(const WriteLog&) = delete;
  WriteLog& operator=(const WriteLog&) = delete;

  // The records after the applied position that a previous run left (recovery), in order.
  base::Result<std::vector<UnitRecord>> ReadUnapplied() const;
  // Queues those records for the applier as synced (they are durable in the log), before
  // anything is appended; TakeSynced and Applied then replay them like any others.
  void Recovered(std::vector<UnitRecord> records);

  // Appends a unit's record (not empty). After a failed append the log refuses every later
  // one: a partly written frame must not be followed by acknowledged ones.
  base::Result<void> Append(UnitRecord record);
  // The completions of the units appended so far; called once the log is synced.
  void Hand(std::vector<WriteCompletion> completions);
  // Syncs and completes everything handed over and stops the log syncer (store Close).
  void StopSyncing();

  // Records whose seq is synced, oldest first, up to about `max_writes` entity writes (at
  // least one record).
  std::vector<UnitRecord> TakeSynced(std::size_t max_writes);
  bool HasSynced() const;
  // How long until the synced records should be applied (zero: now; nullopt: none synced).
  std::optional<std::chrono::steady_clock::duration> ApplyDueIn(
      const ApplyTiming& timing, std::chrono::steady_clock::time_point now) const;
  // Puts back records TakeSynced gave whose application failed, to be tried again.
  void Requeue(std::vector<UnitRecord> records);
  // The tables now hold `records` (committed, maybe not synced yet).
  void Applied(const std::vector<UnitRecord>& records);
  // Removes log segments whose records are all at or below `seq` (durable in the tables).
  void DropThrough(std::uint64_t seq);

  // Waits until every record synced when it was called is applied: what a query needs to
  // see every acknowledged write. With `tenant`, only up to that tenant's last synced record:
  // a town's query does not wait for another town's writes. kInternalError after `timeout`.
  base::Result<void> WaitForAcknowledged(std::chrono::milliseconds timeout,
                                         const std::string* tenant = nullptr);

  const EntityOverlay& overlay() const { return overlay_; }
  EntityOverlay& overlay() { return overlay_; }
  std::uint64_t AppliedSeq() const;
  WriteLogStats Stats() const;

 private:
  WriteLog(std::unique_ptr<RecordLog> log, std::uint64_t applied_seq,
           std::function<void()> on_synced);
  base::Result<void> SyncAndPublish();

  std::unique_ptr<RecordLog> log_;
  const std::function<void()> on_synced_;
  EntityOverlay overlay_;
  std::optional<base::Error> append_failure_;  // sequencer thread only

  struct Pending {
    UnitRecord record;
    std::chrono::steady_clock::time_point appended_at;
  };

  mutable std::mutex mu_;  // guards the fields below
  std::condition_variable applied_cv_;
  std::deque<Pending> appended_;      // not yet taken by the applier, in seq order
  std::size_t pending_writes_ = 0;    // entity writes in appended_
  std::size_t pending_journals_ = 0;  // records in appended_ with journal rows
  std::chrono::steady_clock::time_point journal_since_;  // when pending_journals_ left 0
  std::size_t waiters_ = 0;                              // queries in WaitForAcknowledged
  // Per tenant, the seq of its last appended record (entries are never removed: one per
  // tenant that wrote since the start).
  std::unordered_map<std::string, std::uint64_t> tenant_last_seq_;
  std::uint64_t synced_seq_ = 0;
  std::uint64_t applied_seq_ = 0;

  std::unique_ptr<WalSyncer> syncer_;  // last: its thread uses the fields above
};

}  // namespace renkei::store::sqlite
