// SqliteStore: the embedded EntityStore, HostedContextStore, SubscriptionStore, AuditStore,
// ApiKeyStore, PolicyStore and ConsentStore
// (docs/adr/0003-store-schema.md).
//
// One database file, <data_dir>/renkei.db, in WAL mode; a write whose WriteDone has run
// survives kill -9 and power loss. Writes go to one writer thread that drains its queue, runs
// every queued unit inside one BEGIN IMMEDIATE transaction, each unit in its own SAVEPOINT (a
// failing unit rolls back alone) and commits once (group commit). The WalSyncer thread then
// fsyncs the WAL once for every group committed meanwhile and calls the units' WriteDone
// (wal_syncer.hpp); the Checkpointer thread copies the WAL into the database file
// (checkpointer.hpp). Neither fsync nor checkpoints stall the writer thread.
// Reads use a pool of read-only connections (checked out under a mutex, created on demand
// up to max_readers; callers beyond that wait) and may run on any thread concurrently.
//
// While a tenant has subscriptions, each of its write units also journals the entities it
// changed (before/after) in its own savepoint, so the journal commits with the entities
// (store/subscription_store.hpp). A tenant without subscriptions pays nothing for it.
//
// With `write_log` on (ADR 0013 option B, write_log.hpp), units run on a sequencer thread
// instead, against the overlay of acknowledged but unapplied writes and a read connection;
// each is acknowledged once its record is in <data_dir>/log and synced. The writer thread
// becomes the applier: it copies synced records into the tables in large sorted batches,
// before the other jobs it runs. By-id reads merge the overlay; queries, type listings and
// the expiry purge first wait until every acknowledged write is applied.
//
// Thread-safety: every public method may be called from any thread; Close() waits for the
// queued writes and must not be called from inside a WriteDone callback or a WriteUnit.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include <spdlog/logger.h>

#include "store/api_key_store.hpp"
#include "store/audit_store.hpp"
#include "store/consent_store.hpp"
#include "store/entity_store.hpp"
#include "store/hosted_context_store.hpp"
#include "store/policy_store.hpp"
#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/value_index_catalog.hpp"
#include "store/sqlite/wal_syncer.hpp"
#include "store/sqlite/wal_write_buffer.hpp"
#include "store/sqlite/write_log.hpp"
#include "store/subscription_store.hpp"

namespace renkei::store::sqlite {

struct SqliteOptions {
  std::string data_dir;  // created when missing
  std::size_t max_readers = 8;
  int busy_timeout_ms = 5000;
  // Page cache per connection; the writer gets writer_cache_kib. Sized so that 1M entities
  // stay well under 1 GB resident with all readers busy (8 x 16 MiB + 64 MiB).
  int reader_cache_kib = 16 * 1024;
  int writer_cache_kib = 64 * 1024;
  // The writer writes each commit's WAL frames in one system call instead of two per frame
  // (wal_write_buffer.hpp); off: SQLite's own writes.
  bool buffer_wal_writes = true;
  // WAL growth (4 KiB pages) between two background checkpoints, and the WAL length at
  // which the writer copies the remainder itself so that the WAL rewinds (checkpointer.hpp,
  // SqliteStore::ScheduleCheckpoint): 8 MiB and 64 MiB, so the WAL file stays near 64 MiB
  // and the writer never copies more than 8 MiB itself (its longest stall).
  std::int64_t background_checkpoint_frames = 2048;
  std::int64_t writer_checkpoint_frames = 16384;
  // Units per group commit at most, to bound the latency of the first unit in a batch.
  std::size_t max_batch = 512;
  // ADR 0013 option B: acknowledge units from the write log and apply them in batches (see
  // above). Off: each group of units commits into SQLite before it is acknowledged. Whatever
  // the setting, Open replays a log left by an earlier run.
  bool write_log = true;
  // Entity writes per applier transaction at most (larger: less CPU per entity, longer
  // waits for queries while writes saturate the applier).
  std::size_t apply_batch = 50000;
  // Keys acknowledged but not applied at most, and their encoded size (a decoded entity in
  // memory takes a few times that); the sequencer waits above either (back-pressure).
  std::size_t max_overlay = 100000;
  std::size_t max_overlay_bytes = 64u << 20;
  // How long synced records may wait for more to join their batch (write_log.hpp "When the
  // applier runs"); records with journal rows wait journal_apply_delay at most.
  std::chrono::milliseconds apply_delay{300};
  std::chrono::milliseconds journal_apply_delay{0};
  // How long a query waits for the applier before it fails (write log on).
  std::chrono::milliseconds query_wait{30000};
  // Which attribute names get attribute-value index rows (ADR 0018): all, or those queries
  // have filtered on (built in the background at the first such query), and how many
  // entities one build step covers (a step holds the writer for its duration).
  ValueIndexPolicy value_index = ValueIndexPolicy::kOnDemand;
  std::size_t value_index_step = 20000;
  // Names a tenant may have value indexes for; queries on further names filter documents
  // (each index costs every write of the tenant a row per indexed attribute it has).
  std::size_t max_value_indexes_per_tenant = 64;
  // False: Close leaves the WAL for the next opener to checkpoint (in its background thread)
  // instead of copying it into the database file on the way out. The WAL is durable either
  // way; a short-lived command (renkei import) then ends without that copy.
  bool checkpoint_on_close = true;
  // False: keep the policy the data directory was last opened with instead (a CLI command
  // beside a server must not switch it, which may rewrite every index row).
  bool adopt_value_index = true;
  // Optional: at debug level the writer logs group-commit figures about once a second
  // (msg="group commit" commits= units= units_per_commit= max_units=).
  std::shared_ptr<spdlog::logger> logger;
};

// Writer totals since open: units run and commits made (units / commits = the group size).
struct WriterStats {
  std::uint64_t commits = 0;
  std::uint64_t units = 0;
  std::uint64_t max_units_per_commit = 0;
  std::uint64_t background_checkpoints = 0;  // run by the Checkpointer thread
  std::uint64_t writer_checkpoints = 0;      // run by the writer to rewind the WAL
};

class SqliteStore final : public EntityStore,
                          public HostedContextStore,
                          public SubscriptionStore,
                          public AuditStore,
                          public ApiKeyStore,
                          public PolicyStore,
                          public ConsentStore {
 public:
  // Opens (creating on first start) the database and migrates its schema.
  static base::Result<std::unique_ptr<SqliteStore>> Open(const SqliteOptions& options);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  base::Result<std::vector<core::Entity>> FindById(const std::string& tenant, const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const ServicePathScope& scope, std::size_t limit,
                                                   base::Timestamp now) override;
  base::Result<EntityPage> Query(const std::string& tenant, const EntityQuery& query) override;
  base::Result<std::vector<EntitySource>> ImportSources(const std::string& tenant,
                                                        const std::string& type,
                                                        const ServicePathScope& scope) override;
  base::Result<std::vector<TypeSummary>> ListTypes(const std::string& tenant,
                                                   const ServicePathScope& scope,
                                                   base::Timestamp now, std::size_t offset,
                                                   std::size_t limit, std::size_t* total,
                                                   TypeMembership membership) override;
  void Submit(std::string tenant, WriteUnit unit, WriteDone done) override;
  // A bulk unit runs alone in its transaction, without the unit SAVEPOINT: with one open,
  // SQLite copies every page the unit changes into a statement journal and the cost of each
  // statement grows with the pages already changed (measured: 666 -> 273 µs per imported
  // row; ADR 0010). It is still acknowledged only after the WAL is synced.
  void SubmitBulk(std::string tenant, WriteUnit unit, WriteDone done) override;
  base::Result<std::size_t> PurgeExpired(base::Timestamp now) override;
  void Close() override;

  base::Result<std::vector<HostedContextRecord>> LoadHostedContexts() override;
  void AddHostedContext(HostedContextRecord record, WriteDone done) override;
  void EraseHostedContext(std::string local_id, WriteDone done) override;

  base::Result<std::vector<SubscriptionRecord>> LoadSubscriptions() override;
  base::Result<std::optional<SubscriptionRecord>> FindSubscription(const std::string& tenant,
                                                                   const std::string& id) override;
  base::Result<std::vector<SubscriptionRecord>> ListSubscriptions(const std::string& tenant,
                                                                  std::size_t offset,
                                                                  std::size_t limit,
                                                                  std::size_t* total) override;
  void CreateSubscription(SubscriptionRecord record, std::size_t max_per_tenant,
                          WriteDone done) override;
  void UpdateSubscription(SubscriptionRecord record, WriteDone done) override;
  void EraseSubscription(std::string tenant, std::string id, WriteDone done) override;
  void SetChangeListener(std::function<void()> listener) override;
  std::int64_t JournalPosition() const override { return journal_position_.load(); }
  void SetJournalFilter(JournalFilter may_notify) override;
  base::Result<std::vector<EntityChange>> LoadChanges(std::int64_t after_seq,
                                                      std::size_t limit) override;
  void CommitMatches(MatchCommit commit,
                     std::function<void(base::Result<std::size_t>)> done) override;
  base::Result<std::vector<OutboxEntry>> LoadOutboxHeads(std::size_t limit) override;
  base::Result<bool> HasPendingNotifications(const std::string& tenant,
                                             const std::string& subscription_id,
                                             base::Timestamp now) override;
  base::Result<std::vector<OutboxEntry>> LoadOutboxQueue(const std::string& tenant,
                                                         const std::string& subscription_id,
                                                         std::int64_t after_seq,
                                                         std::size_t limit) override;
  base::Result<std::size_t> CountOutbox(const std::string& tenant) override;
  base::Result<std::vector<NotifyBacklog>> LoadNotifyBacklog() override;
  void RecordDelivery(DeliveryRecord record, std::function<void(base::Result<bool>)> done) override;
  void RecordDeliveries(std::vector<DeliveryRecord> records,
                        std::function<void(base::Result<bool>)> done) override;

  void AppendAudit(std::vector<AuditRecord> records, WriteDone done) override;
  base::Result<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) override;
  base::Result<AuditVerification> VerifyAudit() override;

  base::Result<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id) override;
  base::Result<std::vector<ApiKeyRecord>> ListApiKeys(const std::string& tenant) override;
  void AddApiKey(ApiKeyRecord record, WriteDone done) override;
  void RevokeApiKey(std::string tenant, std::string key_id, base::Timestamp at,
                    WriteDone done) override;
  void TouchApiKey(std::string key_id, base::Timestamp at, WriteDone done) override;
  base::Result<std::optional<std::string>> LoadPolicy(const std::string& tenant) override;
  void StorePolicy(std::string tenant, std::string document, base::Timestamp at,
                   WriteDone done) override;

  void AddConsent(ConsentRecord record, std::size_t max_live, WriteDone done) override;
  void RevokeConsent(std::string tenant, std::string resident, std::string id, base::Timestamp at,
                     WriteDone done) override;
  base::Result<std::vector<ConsentRecord>> ListConsents(const ConsentFilter& filter) override;
  base::Result<std::optional<ConsentRecord>> FindLiveConsent(const std::string& tenant,
                                                             const std::string& resident,
                                                             const std::string& app,
                                                             const std::string& type,
                                                             base::Timestamp now) override;

  WriterStats Stats() const;
  // Value indexes being built now (ADR 0018), by this process.
  std::size_t ValueIndexesBuilding() const;
  // Builds the value indexes of `names` in the tenant unless they exist (what a query
  // filtering on them starts) and waits until every one is ready or failed. Not from a
  // WriteDone callback or a WriteUnit.
  base::Result<void> BuildValueIndexes(const std::string& tenant, std::vector<std::string> names);
  // The write log's backlog; nullopt when the log is off.
  std::optional<WriteLogStats> WriteLogBacklog() const;

 private:
  // A job for the writer: no tenant for store-wide jobs (purge). The empty string is a
  // tenant like any other (Orion's default service).
  struct Job {
    std::optional<std::string> tenant;
    std::function<base::Result<void>(Connection&, std::int64_t tenant_id)> run;
    WriteDone done;
    bool alone = false;  // a transaction of its own, no savepoint (SubmitBulk)
  };
  class ReaderLease;
  // A write unit waiting for the sequencer (write log on).
  struct LogUnit {
    std::string tenant;
    WriteUnit unit;
    WriteDone done;
  };

  SqliteStore(SqliteOptions options, std::string path, std::unique_ptr<WalWriteBufferVfs> wal_vfs,
              std::unique_ptr<Connection> writer);

  void WriterLoop();
  void RunBatch(std::vector<Job>& batch);
  void RecordBatch(std::size_t units);
  void ScheduleCheckpoint();
  // Appends the jobs queued meanwhile to `batch` (up to max_batch), waiting for them while
  // the WalSyncer is still syncing the previous group; false when the group should commit.
  bool TakeMoreWhileSyncing(std::vector<Job>& batch);
  // sqlite3_wal_hook callback: records the WAL length after each commit (writer thread).
  static int OnWalCommit(void* store, sqlite3* db, const char* name, int frames);
  base::Result<std::int64_t> EnsureTenant(const std::string& tenant);
  // The tenant's id, or nullopt when it never wrote anything (reads then find nothing).
  base::Result<std::optional<std::int64_t>> LookupTenant(Connection& conn,
                                                         const std::string& tenant);
  // Whether the tenant's write units journal their changes (it has subscriptions). Writer
  // thread only; cached per tenant, forgotten when its subscriptions are added or removed.
  base::Result<bool> JournalsChanges(std::int64_t tenant_id);
  base::Result<std::unique_ptr<Connection>> AcquireReader();
  void ReleaseReader(std::unique_ptr<Connection> conn);
  void Enqueue(Job job);
  // The job that runs a WriteUnit for `tenant` (Submit, SubmitBulk).
  Job UnitJob(std::string tenant, WriteUnit unit, WriteDone done);
  // Puts jobs a batch did not run back at the head of the queue, in their order.
  void Requeue(std::vector<Job>& batch, std::size_t from);
  // After a commit: tenants created in it become visible to readers; the change listener
  // hears of journal rows.
  void PublishPendingTenants();
  // After a commit that appended journal rows (or at open): JournalPosition moves on, then
  // the change listener hears of them.
  void JournalCommitted();
  // A rolled back transaction created no tenant and may have cached wrong counts.
  void ForgetTransactionState();
  // Wraps the completion of a subscription create or erase (subscription_epoch_).
  WriteDone AfterSubscriptionChange(WriteDone done);
  // Starts building the value index of (tenant id, name) unless this process is building
  // it already; `done` (may be empty) runs when it is ready or failed.
  void RequestValueIndex(std::int64_t tenant_id, std::string name, WriteDone done = {});
  // One build step as a writer job of its own; enqueues the next until the index is ready.
  Job ValueIndexStepJob(std::int64_t tenant_id, std::string name);
  // Calls the waiters of a finished build (ready or failed) and forgets it.
  void FinishValueIndex(std::int64_t tenant_id, const std::string& name,
                        const base::Result<void>& result);

  // ---- write log (sqlite_store_log.cpp)
  // Replays the records an earlier run left in <data_dir>/log; keeps the log open when
  // options_.write_log is on.
  base::Result<void> OpenWriteLog();
  void SequencerLoop();
  base::Result<void> RunLoggedUnit(LogUnit& unit);
  // JournalsChanges for the sequencer: read through its connection, cached until a
  // subscription is created or erased.
  base::Result<bool> SequencerJournals(std::int64_t tenant_id);
  // Copies one batch of synced records into the tables; false when that failed.
  bool ApplyLogRound();
  // Applies `records` in one transaction with their applied position; whether journal rows
  // were written. On failure nothing of it stays (tenants created in it are forgotten).
  base::Result<bool> ApplyInTransaction(const std::vector<UnitRecord>& records);
  // How long until the writer should apply synced records (zero: now; nullopt: nothing to
  // apply). Called with queue_mu_ held (stopping_).
  std::optional<std::chrono::steady_clock::duration> LogDueIn();
  // Queries wait for every acknowledged write (of `tenant`, when given) to be applied (no-op
  // without the log).
  base::Result<void> WaitForLog(const std::string* tenant = nullptr);

  const SqliteOptions options_;
  const std::string path_;

  // Writer thread state. writer_conn_ and writer_tenants_ are touched only by the writer
  // thread (and by Open/Close before it starts / after it stopped).
  // Declared before writer_conn_: the VFS must outlive the connection opened through it.
  std::unique_ptr<WalWriteBufferVfs> wal_vfs_;  // null when buffer_wal_writes is off
  std::unique_ptr<Connection> writer_conn_;
  std::unordered_map<std::string, std::int64_t> writer_tenants_;
  std::vector<std::pair<std::string, std::int64_t>> pending_tenants_;  // this batch's new ones
  std::unordered_map<std::int64_t, bool> journals_changes_;            // by tenant id
  ValueIndexCatalog writer_catalog_;               // the names writes index; reset per transaction
  bool batch_journaled_ = false;                   // this batch appended journal rows
  std::atomic<std::int64_t> journal_position_{0};  // JournalPosition; written by the writer
  std::function<void()> change_listener_;          // guarded by queue_mu_
  // Set before the first write (SetJournalFilter); read by the writer thread.
  JournalFilter journal_filter_;
  std::thread writer_thread_;
  std::int64_t wal_frames_ = 0;           // WAL length after the last commit
  std::int64_t requested_at_frames_ = 0;  // WAL length at the last background request
  std::unique_ptr<Checkpointer> checkpointer_;
  std::unique_ptr<WalSyncer> syncer_;  // acknowledges committed groups once the WAL is synced
  // Group-commit figures; written by the writer thread only.
  std::atomic<std::uint64_t> stat_commits_{0};
  std::atomic<std::uint64_t> stat_units_{0};
  std::atomic<std::uint64_t> stat_max_units_{0};
  std::atomic<std::uint64_t> stat_writer_checkpoints_{0};
  WriterStats logged_stats_;  // at the last debug line (writer thread)
  std::chrono::steady_clock::time_point logged_at_;

  std::mutex queue_mu_;  // guards queue_, stopping_
  std::condition_variable queue_cv_;
  std::deque<Job> queue_;
  bool stopping_ = false;

  // Write log (options_.write_log): the log, the sequencer's connection, thread and queue.
  std::unique_ptr<WriteLog> write_log_;
  std::unique_ptr<Connection> sequencer_reader_;
  std::thread sequencer_thread_;
  std::mutex seq_mu_;  // guards seq_queue_, seq_stopping_
  std::condition_variable seq_cv_;
  std::deque<LogUnit> seq_queue_;
  bool seq_stopping_ = false;
  std::unordered_map<std::int64_t, bool> seq_journals_;  // sequencer thread only
  std::uint64_t seq_epoch_seen_ = 0;                     // sequencer thread only
  // Bumped once a subscription create or erase is durable: the sequencer recounts.
  std::atomic<std::uint64_t> subscription_epoch_{0};
  // The applier gave up on records it could not apply while closing (they stay in the log).
  std::atomic<bool> apply_abandoned_{false};

  // Value indexes this process is building, with who waits for each (guarded).
  mutable std::mutex index_builds_mu_;
  std::map<std::pair<std::int64_t, std::string>, std::vector<WriteDone>> index_builds_;

  std::mutex close_mu_;  // serialises Close
  bool closed_ = false;  // guarded by close_mu_

  std::mutex readers_mu_;  // guards free_readers_, reader_count_, readers_closed_
  std::condition_variable readers_cv_;
  std::vector<std::unique_ptr<Connection>> free_readers_;
  std::size_t reader_count_ = 0;
  bool readers_closed_ = false;

  std::mutex tenants_mu_;  // guards committed_tenants_ (tenants known to be committed)
  std::unordered_map<std::string, std::int64_t> committed_tenants_;
};

}  // namespace renkei::store::sqlite
