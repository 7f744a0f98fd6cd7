#include "store/sqlite/sqlite_store.hpp"

#include <filesystem>
#include <future>
#include <limits>
#include <map>
#include <set>
#include <tuple>

#include "base/thread_name.hpp"
#include "core/entity_codec.hpp"
#include "store/sqlite/access_rows.hpp"
#include "store/sqlite/audit_rows.hpp"
#include "store/sqlite/bulk_lookup.hpp"
#include "store/sqlite/change_tracker.hpp"
#include "store/sqlite/checkpointer.hpp"
#include "store/sqlite/consent_rows.hpp"
#include "store/sqlite/entity_overlay.hpp"
#include "store/sqlite/entity_rows.hpp"
#include "store/sqlite/guarded.hpp"
#include "store/sqlite/hosted_context_rows.hpp"
#include "store/sqlite/import_source_rows.hpp"
#include "store/sqlite/query_runner.hpp"
#include "store/sqlite/schema.hpp"
#include "store/sqlite/subscription_rows.hpp"

namespace renkei::store::sqlite {
namespace {

// The operations a WriteUnit sees on the direct path: the writer's connection, scoped to one
// tenant, inside the unit's savepoint.
class UnitTransaction final : public WriteTransaction {
 public:
  UnitTransaction(Connection& conn, std::int64_t tenant, IndexedNames indexed, bool journal,
                  const std::string& name, const JournalFilter& may_notify)
      : conn_(conn),
        tenant_(tenant),
        indexed_(std::move(indexed)),
        changes_(journal, name, may_notify) {}

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const ServicePathScope& scope,
                                                   std::size_t limit) override {
    std::vector<std::int64_t> row_ids;
    RENKEI_TRY(std::vector<core::Entity> found,
               RunFindById(conn_, tenant_, id, type, scope, limit, kBeforeAnyExpiry, &row_ids));
    for (std::size_t i = 0; i < found.size(); ++i) {
      read_[ChangeTracker::KeyOf(found[i])] = IndexRowsOf(row_ids[i], found[i], indexed_);
      changes_.NoteRead(found[i]);
    }
    return found;
  }
  // One statement for the chunk (bulk_lookup.hpp). With one exact path in scope, an id it
  // does not find is known absent there, so journaling need not look again.
  base::Result<std::vector<core::Entity>> FindByIds(const std::vector<std::string>& ids,
                                                    const ServicePathScope& scope) override {
    std::vector<std::int64_t> row_ids;
    RENKEI_TRY(std::vector<core::Entity> found, RunFindByIds(conn_, tenant_, ids, scope, row_ids));
    std::set<std::string_view> seen;
    for (std::size_t i = 0; i < found.size(); ++i) {
      read_[ChangeTracker::KeyOf(found[i])] = IndexRowsOf(row_ids[i], found[i], indexed_);
      changes_.NoteRead(found[i]);
      seen.insert(found[i].id);
    }
    if (scope.paths.size() == 1 && !scope.paths.front().recursive) {
      changes_.NoteAbsent(ids, seen, scope.paths.front().path);
    }
    return found;
  }
  base::Result<void> Put(const core::Entity& entity) override {
    ChangeTracker::Key key = ChangeTracker::KeyOf(entity);
    if (changes_.Tracks(entity.id)) {
      RENKEI_TRY_VOID(changes_.RememberBefore(key, ReadStored()));
      changes_.Touch(key, entity);
    }
    auto it = read_.find(key);
    RENKEI_TRY(IndexedEntity rows, PutEntityRow(conn_, tenant_, entity, indexed_,
                                                it == read_.end() ? nullptr : &it->second));
    read_[std::move(key)] = std::move(rows);
    return base::Ok();
  }
  base::Result<void> Erase(const std::string& id, const std::string& type,
                           const std::string& service_path) override {
    ChangeTracker::Key key{id, type, service_path};
    const bool tracked = changes_.Tracks(id);
    if (tracked) {
      RENKEI_TRY_VOID(changes_.RememberBefore(key, ReadStored()));
    }
    read_.erase(key);
    RENKEI_TRY(bool erased, EraseEntityRow(conn_, tenant_, id, type, service_path));
    if (!erased) return EntityNotFound();
    if (tracked) changes_.Touch(key, std::nullopt);
    return base::Ok();
  }
  base::Result<void> PutImportSources(const std::vector<EntitySource>& sources) override {
    return WriteImportSourceRows(conn_, tenant_, sources);
  }
  void SetCorrelator(std::string_view correlator) override { correlator_ = correlator; }
  void SetForcedUpdate() override { changes_.SetForcedUpdate(); }
  void NoteWrittenAttributes(const core::Entity& entity,
                             const std::vector<std::string>& names) override {
    changes_.NoteWritten(ChangeTracker::KeyOf(entity), names);
  }

  // Appends one journal row per entity of ChangeTracker::Changes, in the order they were
  // first written. Returns whether any was.
  base::Result<bool> JournalChanges() {
    bool any = false;
    for (const auto& change : changes_.Changes()) {
      const auto& before = *change.before;
      const auto& after = *change.after;
      RENKEI_TRY_VOID(InsertChangeRow(conn_, tenant_,
                                      ChangeRow{.correlator = correlator_,
                                                .before = before ? &*before : nullptr,
                                                .after = after ? &*after : nullptr,
                                                .forced_update = changes_.forced_update(),
                                                .written = change.written}));
      any = true;
    }
    return any;
  }

 private:
  ChangeTracker::ReadKey ReadStored() {
    return [this](const ChangeTracker::Key& key) -> base::Result<std::optional<core::Entity>> {
      const auto& [id, type, path] = key;
      RENKEI_TRY(std::vector<core::Entity> found,
                 RunFindById(conn_, tenant_, id, type, ServicePathScope{{{path, false}}}, 1,
                             kBeforeAnyExpiry));
      if (found.empty()) return std::optional<core::Entity>();
      return std::optional<core::Entity>(std::move(found.front()));
    };
  }

  Connection& conn_;
  std::int64_t tenant_;
  IndexedNames indexed_;  // the names this unit's writes index (ADR 0018)
  std::string correlator_;
  ChangeTracker changes_;
  // Row ids and index rows of the entities this unit has read or written: the unit runs in
  // its own savepoint on the only writer, so they stay exact until the unit ends.
  std::map<ChangeTracker::Key, IndexedEntity> read_;
};

}  // namespace

class SqliteStore::ReaderLease {
 public:
  ReaderLease(SqliteStore& store, std::unique_ptr<Connection> conn)
      : store_(store), conn_(std::move(conn)) {}
  ReaderLease(const ReaderLease&) = delete;
  ReaderLease& operator=(const ReaderLease&) = delete;
  ~ReaderLease() { store_.ReleaseReader(std::move(conn_)); }
  Connection& operator*() { return *conn_; }

 private:
  SqliteStore& store_;
  std::unique_ptr<Connection> conn_;
};

base::Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const SqliteOptions& options) {
  std::error_code ec;
  std::filesystem::create_directories(options.data_dir, ec);
  if (ec) return Internal("cannot create data directory " + options.data_dir + ": " + ec.message());
  std::string path = (std::filesystem::path(options.data_dir) / "renkei.db").string();
  ConnectionOptions writer_options;
  writer_options.busy_timeout_ms = options.busy_timeout_ms;
  writer_options.cache_size_kib = options.writer_cache_kib;
  std::unique_ptr<WalWriteBufferVfs> wal_vfs;
  if (options.buffer_wal_writes) {
    RENKEI_TRY(wal_vfs, WalWriteBufferVfs::Register());
    writer_options.vfs = wal_vfs->name();
  }
  RENKEI_TRY(auto writer, Connection::Open(path, writer_options));
  {
    RENKEI_TRY(Statement * wal, writer->Prepare("PRAGMA journal_mode=WAL"));
    StatementLease lease(*wal);
    RENKEI_TRY(bool has_row, wal->Step());
    if (!has_row || wal->ColumnText(0) != "wal") return Internal("cannot enable WAL on " + path);
  }
  // NORMAL: COMMIT does not fsync the WAL; the WalSyncer does, before any unit is
  // acknowledged (wal_syncer.hpp). Checkpoints still sync the WAL and the database file.
  RENKEI_TRY_VOID(writer->Exec("PRAGMA synchronous=NORMAL"));
  RENKEI_TRY_VOID(Migrate(*writer));
  SqliteOptions opened = options;
  if (!options.adopt_value_index) {
    RENKEI_TRY(opened.value_index, StoredValueIndexPolicy(*writer, options.value_index));
  }
  RENKEI_TRY_VOID(AdoptValueIndexPolicy(*writer, opened.value_index));
  RENKEI_TRY(auto unfinished_indexes, UnfinishedValueIndexes(*writer));
  RENKEI_TRY(auto checkpointer, Checkpointer::Start(path, options.busy_timeout_ms));
  std::unique_ptr<SqliteStore> store(
      new SqliteStore(opened, path, std::move(wal_vfs), std::move(writer)));
  store->JournalCommitted();  // the position the journal is at (no listener yet)
  RENKEI_TRY_VOID(store->OpenWriteLog());
  // Replaces SQLite's automatic checkpoint on commit (which ran on this thread): the hook
  // only records the WAL length; RunBatch decides who checkpoints (checkpointer.hpp).
  sqlite3_wal_hook(store->writer_conn_->handle(), &SqliteStore::OnWalCommit, store.get());
  store->checkpointer_ = std::move(checkpointer);
  store->syncer_ = std::make_unique<WalSyncer>(path + "-wal", [s = store.get()] {
    std::lock_guard lock(s->queue_mu_);
    s->queue_cv_.notify_all();
  });
  store->writer_thread_ = std::thread([s = store.get()] {
    base::NameThisThread("renkei-writer");
    s->WriterLoop();
  });
  if (store->write_log_ != nullptr) {
    store->sequencer_thread_ = std::thread([s = store.get()] {
      base::NameThisThread("renkei-sequencer");
      s->SequencerLoop();
    });
  }
  // Builds a restart interrupted go on where they were (value_indexes.built_through).
  for (auto& [tenant_id, name] : unfinished_indexes) {
    store->RequestValueIndex(tenant_id, std::move(name));
  }
  return store;
}

SqliteStore::SqliteStore(SqliteOptions options, std::string path,
                         std::unique_ptr<WalWriteBufferVfs> wal_vfs,
                         std::unique_ptr<Connection> writer)
    : options_(std::move(options)),
      path_(std::move(path)),
      wal_vfs_(std::move(wal_vfs)),
      writer_conn_(std::move(writer)),
      writer_catalog_(options_.value_index) {}

SqliteStore::~SqliteStore() { Close(); }

void SqliteStore::Close() {
  std::lock_guard close_lock(close_mu_);
  if (closed_) return;
  closed_ = true;
  // The write log first: the sequencer runs what is queued, the log syncer acknowledges it,
  // and the writer below applies every synced record before it stops.
  if (sequencer_thread_.joinable()) {
    {
      std::lock_guard lock(seq_mu_);
      seq_stopping_ = true;
    }
    seq_cv_.notify_all();
    sequencer_thread_.join();
  }
  if (write_log_ != nullptr) write_log_->StopSyncing();
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  if (writer_thread_.joinable()) writer_thread_.join();
  syncer_.reset();  // acknowledges the last groups once synced
  checkpointer_->Stop();
  {
    std::lock_guard lock(readers_mu_);
    readers_closed_ = true;
    reader_count_ -= free_readers_.size();
    free_readers_.clear();
  }
  readers_cv_.notify_all();
  sequencer_reader_.reset();
  // Closing the writer last checkpoints the WAL into the database file, unless told not to.
  if (!options_.checkpoint_on_close) {
    sqlite3_db_config(writer_conn_->handle(), SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, nullptr);
  }
  writer_conn_.reset();
}

// ---- writes

void SqliteStore::Enqueue(Job job) {
  {
    std::unique_lock lock(queue_mu_);
    if (!stopping_) {
      queue_.push_back(std::move(job));
      lock.unlock();
      queue_cv_.notify_one();
      return;
    }
  }
  CompleteWrite(job.done, Internal("store is closed"));
}

SqliteStore::Job SqliteStore::UnitJob(std::string tenant, WriteUnit unit, WriteDone done) {
  std::string name = tenant;
  return Job{std::optional<std::string>(std::move(tenant)),
             [this, unit = std::move(unit), tenant = std::move(name)](
                 Connection& conn, std::int64_t tenant_id) -> base::Result<void> {
               RENKEI_TRY(const bool journal, JournalsChanges(tenant_id));
               RENKEI_TRY(IndexedNames indexed, writer_catalog_.For(conn, tenant_id));
               UnitTransaction txn(conn, tenant_id, std::move(indexed), journal, tenant,
                                   journal_filter_);
               RENKEI_TRY_VOID(unit(txn));
               if (!journal) return base::Ok();
               RENKEI_TRY(const bool journaled, txn.JournalChanges());
               batch_journaled_ = batch_journaled_ || journaled;
               return base::Ok();
             },
             std::move(done)};
}

void SqliteStore::Submit(std::string tenant, WriteUnit unit, WriteDone done) {
  if (write_log_ != nullptr) {
    {
      std::unique_lock lock(seq_mu_);
      if (!seq_stopping_) {
        seq_queue_.push_back(LogUnit{std::move(tenant), std::move(unit), std::move(done)});
        lock.unlock();
        seq_cv_.notify_one();
        return;
      }
    }
    CompleteWrite(done, Internal("store is closed"));
    return;
  }
  Enqueue(UnitJob(std::move(tenant), std::move(unit), std::move(done)));
}

void SqliteStore::SubmitBulk(std::string tenant, WriteUnit unit, WriteDone done) {
  // Against the log a bulk unit needs no savepoint either; it goes through the sequencer.
  if (write_log_ != nullptr) return Submit(std::move(tenant), std::move(unit), std::move(done));
  Job job = UnitJob(std::move(tenant), std::move(unit), std::move(done));
  job.alone = true;
  Enqueue(std::move(job));
}

void SqliteStore::Requeue(std::vector<Job>& batch, std::size_t from) {
  {
    std::lock_guard lock(queue_mu_);
    for (std::size_t j = batch.size(); j > from; --j) queue_.push_front(std::move(batch[j - 1]));
  }
  batch.resize(from);
}

base::Result<bool> SqliteStore::JournalsChanges(std::int64_t tenant_id) {
  if (auto it = journals_changes_.find(tenant_id); it != journals_changes_.end()) {
    return it->second;
  }
  RENKEI_TRY(std::int64_t count, CountSubscriptionRows(*writer_conn_, tenant_id));
  journals_changes_[tenant_id] = count > 0;
  return count > 0;
}

base::Result<std::size_t> SqliteStore::PurgeExpired(base::Timestamp now) {
  RENKEI_TRY_VOID(WaitForLog());
  auto purged = std::make_shared<std::size_t>(0);
  std::promise<base::Result<void>> promise;
  auto future = promise.get_future();
  Enqueue(Job{std::nullopt,
              [this, now, purged](Connection& conn, std::int64_t) -> base::Result<void> {
                // An expired entity removed here is deleted like any other: a tenant with
                // subscriptions journals it, so entityDelete subscriptions are notified.
                auto journal = [this, &conn, now](std::int64_t tenant,
                                                  std::string_view doc) -> base::Result<void> {
                  RENKEI_TRY(const bool journaled, JournalsChanges(tenant));
                  if (!journaled) return base::Ok();
                  RENKEI_TRY(core::Entity before, core::DecodeEntity(doc));
                  const std::string correlator = "expiry-" + std::to_string(now.millis);
                  RENKEI_TRY_VOID(InsertChangeRow(
                      conn, tenant, ChangeRow{.correlator = correlator, .before = &before}));
                  batch_journaled_ = true;
                  return base::Ok();
                };
                RENKEI_TRY(*purged, PurgeExpiredRows(conn, now, journal));
                return base::Ok();
              },
              [&promise](base::Result<void> r) { promise.set_value(std::move(r)); }});
  RENKEI_TRY_VOID(future.get());
  return *purged;
}

// Hosted @contexts are store-wide (no tenant): the jobs run like the expiry purge.
void SqliteStore::AddHostedContext(HostedContextRecord record, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [record = std::move(record)](Connection& conn, std::int64_t) {
                return InsertHostedContextRow(conn, record);
              },
              std::move(done)});
}

void SqliteStore::EraseHostedContext(std::string local_id, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [local_id = std::move(local_id)](Connection& conn, std::int64_t) {
                return DeleteHostedContextRow(conn, local_id);
              },
              std::move(done)});
}

void SqliteStore::WriterLoop() {
  for (;;) {
    std::vector<Job> batch;
    bool apply = false;
    bool stopping = false;
    {
      std::unique_lock lock(queue_mu_);
      for (;;) {
        const auto due = LogDueIn();
        apply = due && *due == std::chrono::steady_clock::duration::zero();
        if (apply || stopping_ || !queue_.empty()) break;
        if (due) {
          queue_cv_.wait_for(lock, *due);
        } else {
          queue_cv_.wait(lock);
        }
      }
      stopping = stopping_;
      if (queue_.empty() && !apply) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
    }
    // Synced log records go first: the jobs may depend on the entities (the expiry purge).
    if (apply && !ApplyLogRound() && stopping) apply_abandoned_ = true;
    if (!batch.empty()) RunBatch(batch);
  }
}

base::Result<std::int64_t> SqliteStore::EnsureTenant(const std::string& tenant) {
  if (auto it = writer_tenants_.find(tenant); it != writer_tenants_.end()) return it->second;
  RENKEI_TRY(Statement * insert,
             writer_conn_->Prepare("INSERT INTO tenants(name) VALUES (?) ON CONFLICT(name) "
                                   "DO UPDATE SET name = excluded.name RETURNING tenant"));
  StatementLease lease(*insert);
  insert->Bind(1, tenant);
  RENKEI_TRY(bool has_row, insert->Step());
  if (!has_row) return Internal("tenant insert returned no row");
  std::int64_t id = insert->ColumnInt(0);
  RENKEI_TRY_VOID(insert->Run());
  writer_tenants_[tenant] = id;
  pending_tenants_.emplace_back(tenant, id);
  return id;
}

void SqliteStore::RunBatch(std::vector<Job>& batch) {
  Connection& conn = *writer_conn_;
  std::vector<base::Result<void>> results(batch.size());
  // Units whose effects live in the open transaction; they fail with it if it is lost.
  std::vector<std::size_t> in_transaction;
  auto fail_open_units = [&](const base::Error& error) {
    for (auto i : in_transaction) {
      if (results[i]) results[i] = base::Fail(error);
    }
    in_transaction.clear();
    ForgetTransactionState();
    batch_journaled_ = false;
  };

  bool open = false;
  bool ran_alone = false;  // a bulk unit ran: it commits by itself
  for (std::size_t i = 0;; ++i) {
    if (i == batch.size()) {
      // While the previous group's fsync runs, the transaction stays open and takes the
      // units that arrive meanwhile: they share this commit instead of paying for one each.
      if (!open || ran_alone || !TakeMoreWhileSyncing(batch)) break;
      results.resize(batch.size());
    }
    // A bulk unit (SubmitBulk) runs first in a transaction of its own: the units after it,
    // or it and those after it, wait for the next batch.
    if (batch[i].alone) {
      Requeue(batch, i == 0 ? 1 : i);
      results.resize(batch.size());
      if (i > 0) break;
      ran_alone = true;
    }
    if (!open) {
      auto begin = conn.RunCached("BEGIN IMMEDIATE");
      if (!begin) {
        results[i] = std::move(begin);
        continue;
      }
      open = true;
      writer_catalog_.Reset();
    }
    std::int64_t tenant_id = 0;
    const bool journaled_before = batch_journaled_;
    if (batch[i].tenant) {
      auto id = Guarded([&] { return EnsureTenant(*batch[i].tenant); });
      if (!id) {
        results[i] = base::Fail(id.error());
        continue;
      }
      tenant_id = *id;
    }
    if (ran_alone) {
      // No savepoint: a failure rolls back the transaction, which holds this unit only.
      results[i] = Guarded([&] { return batch[i].run(conn, tenant_id); });
      in_transaction.push_back(i);
      if (!results[i]) {
        (void)conn.RunCached("ROLLBACK");
        fail_open_units(results[i].error());
        open = false;
      }
      continue;
    }
    auto savepoint = conn.RunCached("SAVEPOINT unit");
    if (!savepoint) {
      results[i] = std::move(savepoint);
      continue;
    }
    results[i] = Guarded([&] { return batch[i].run(conn, tenant_id); });
    if (results[i]) {
      auto release = conn.RunCached("RELEASE unit");
      if (!release) results[i] = std::move(release);
    }
    if (!results[i]) {
      (void)conn.Exec("ROLLBACK TO unit");
      (void)conn.RunCached("RELEASE unit");
      batch_journaled_ = journaled_before;
    }
    in_transaction.push_back(i);
    // Some errors (I/O, disk full) make SQLite roll back the whole transaction; the units
    // before this one are then lost and must not be acknowledged as written.
    if (sqlite3_get_autocommit(conn.handle()) != 0) {
      auto lost = Internal("transaction rolled back by SQLite");
      if (!results[i]) lost = base::Fail(results[i].error());
      fail_open_units(lost.error);
      open = false;
    }
  }
  if (open) {
    auto commit = conn.RunCached("COMMIT");
    if (!commit) {
      (void)conn.Exec("ROLLBACK");
      fail_open_units(commit.error());
    }
  }
  RecordBatch(batch.size());
  if (batch_journaled_) JournalCommitted();
  batch_journaled_ = false;
  PublishPendingTenants();
  std::vector<WriteCompletion> completions;
  completions.reserve(batch.size());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    completions.push_back(WriteCompletion{std::move(batch[i].done), std::move(results[i])});
  }
  syncer_->Hand(std::move(completions));
  ScheduleCheckpoint();
}

void SqliteStore::PublishPendingTenants() {
  if (!pending_tenants_.empty()) {
    std::lock_guard lock(tenants_mu_);
    for (auto& [name, id] : pending_tenants_) committed_tenants_[name] = id;
  }
  pending_tenants_.clear();
}

void SqliteStore::JournalCommitted() {
  // The commit is done: a failed read leaves the position behind (a subscription change then
  // counts the newest rows as after it), never ahead of what is committed.
  if (auto position = ReadJournalPosition(*writer_conn_)) journal_position_.store(*position);
  std::function<void()> listener;
  {
    std::lock_guard lock(queue_mu_);
    listener = change_listener_;
  }
  if (listener) listener();
}

void SqliteStore::ForgetTransactionState() {
  for (const auto& [name, id] : pending_tenants_) writer_tenants_.erase(name);
  pending_tenants_.clear();
  // Counts cached from inside the lost transaction may be wrong; read them again.
  journals_changes_.clear();
}

int SqliteStore::OnWalCommit(void* store, sqlite3* /*db*/, const char* /*name*/, int frames) {
  if (store != nullptr) static_cast<SqliteStore*>(store)->wal_frames_ = frames;
  return SQLITE_OK;
}

// The Checkpointer is asked each time the WAL grew by background_checkpoint_frames: not
// after every commit, since each checkpoint syncs two files and copies again the pages that
// every commit dirties (b-tree interior pages), which cost more CPU than the copies saved.
// Once the WAL holds writer_checkpoint_frames, the writer copies what the background thread
// has not (when it is idle and that tail is small), so that the writer's next transaction
// rewinds the WAL (checkpointer.hpp); past 2 x writer_checkpoint_frames (commits larger than
// the tail bound, e.g. many batch requests in one group) it copies whatever is left.
void SqliteStore::ScheduleCheckpoint() {
  const std::int64_t frames = wal_frames_;
  const std::int64_t step = options_.background_checkpoint_frames;
  if (frames < options_.writer_checkpoint_frames) {
    if (frames < requested_at_frames_) requested_at_frames_ = 0;  // the WAL was rewound
    if (frames - requested_at_frames_ >= step) {
      requested_at_frames_ = frames;
      checkpointer_->Request();
    }
    return;
  }
  if (checkpointer_->Busy()) return;
  const std::int64_t copied = checkpointer_->Copied();
  const std::int64_t tail = copied <= frames ? frames - copied : frames;
  if (tail > step && frames < 2 * options_.writer_checkpoint_frames) {
    requested_at_frames_ = frames;
    checkpointer_->Request();
    return;
  }
  stat_writer_checkpoints_.fetch_add(1, std::memory_order_relaxed);
  if (auto done = WriterCheckpoint(*writer_conn_); !done && options_.logger != nullptr) {
    options_.logger->warn("msg=\"WAL checkpoint failed\" detail=\"{}\"", done.error().detail);
  }
  wal_frames_ = 0;
  requested_at_frames_ = 0;
}

bool SqliteStore::TakeMoreWhileSyncing(std::vector<Job>& batch) {
  std::unique_lock lock(queue_mu_);
  for (;;) {
    if (batch.size() >= options_.max_batch) return false;
    if (!queue_.empty()) {
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      return true;
    }
    if (stopping_ || syncer_->Idle()) return false;
    queue_cv_.wait(lock);  // woken by Enqueue or by the syncer going idle
  }
}

void SqliteStore::RecordBatch(std::size_t units) {
  stat_commits_.fetch_add(1, std::memory_order_relaxed);
  stat_units_.fetch_add(units, std::memory_order_relaxed);
  if (units > stat_max_units_.load(std::memory_order_relaxed)) {
    stat_max_units_.store(units, std::memory_order_relaxed);
  }
  const auto& logger = options_.logger;
  if (logger == nullptr || !logger->should_log(spdlog::level::debug)) return;
  auto now = std::chrono::steady_clock::now();
  if (now - logged_at_ < std::chrono::seconds(1)) return;
  WriterStats total = Stats();
  std::uint64_t commits = total.commits - logged_stats_.commits;
  std::uint64_t done = total.units - logged_stats_.units;
  logger->debug(
      "msg=\"group commit\" commits={} units={} units_per_commit={:.1f} max_units={} "
      "seconds={:.1f}",
      commits, done, static_cast<double>(done) / static_cast<double>(commits),
      total.max_units_per_commit,
      logged_at_.time_since_epoch().count() == 0
          ? 0.0
          : std::chrono::duration<double>(now - logged_at_).count());
  logged_stats_ = total;
  logged_at_ = now;
}

WriterStats SqliteStore::Stats() const {
  return WriterStats{stat_commits_.load(std::memory_order_relaxed),
                     stat_units_.load(std::memory_order_relaxed),
                     stat_max_units_.load(std::memory_order_relaxed),
                     checkpointer_ != nullptr ? checkpointer_->Runs() : 0,
                     stat_writer_checkpoints_.load(std::memory_order_relaxed)};
}

// ---- reads

base::Result<std::unique_ptr<Connection>> SqliteStore::AcquireReader() {
  {
    std::unique_lock lock(readers_mu_);
    readers_cv_.wait(lock, [&] {
      return readers_closed_ || !free_readers_.empty() || reader_count_ < options_.max_readers;
    });
    if (readers_closed_) return Internal("store is closed");
    if (!free_readers_.empty()) {
      auto conn = std::move(free_readers_.back());
      free_readers_.pop_back();
      return conn;
    }
    ++reader_count_;
  }
  ConnectionOptions reader_options;
  reader_options.read_only = true;
  reader_options.busy_timeout_ms = options_.busy_timeout_ms;
  reader_options.cache_size_kib = options_.reader_cache_kib;
  auto conn = Connection::Open(path_, reader_options);
  if (!conn) {
    {
      std::lock_guard lock(readers_mu_);
      --reader_count_;
    }
    readers_cv_.notify_one();
  }
  return conn;
}

void SqliteStore::ReleaseReader(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard lock(readers_mu_);
    if (readers_closed_) {
      --reader_count_;
      conn.reset();
    } else {
      free_readers_.push_back(std::move(conn));
    }
  }
  readers_cv_.notify_one();
}

base::Result<std::optional<std::int64_t>> SqliteStore::LookupTenant(Connection& conn,
                                                                    const std::string& tenant) {
  {
    std::lock_guard lock(tenants_mu_);
    if (auto it = committed_tenants_.find(tenant); it != committed_tenants_.end()) {
      return std::optional<std::int64_t>(it->second);
    }
  }
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT tenant FROM tenants WHERE name = ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<std::int64_t>();
  std::int64_t id = select->ColumnInt(0);
  std::lock_guard lock(tenants_mu_);
  committed_tenants_[tenant] = id;
  return std::optional<std::int64_t>(id);
}

base::Result<std::vector<core::Entity>> SqliteStore::FindById(
    const std::string& tenant, const std::string& id, const std::optional<std::string>& type,
    const ServicePathScope& scope, std::size_t limit, base::Timestamp now) {
  // Acknowledged writes not applied yet are in the overlay (write log on); looked at first.
  std::vector<OverlayEntry> entries;
  if (write_log_ != nullptr) entries = write_log_->overlay().Lookup(tenant, id);
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::vector<core::Entity>> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    std::vector<core::Entity> stored;
    if (tenant_id && limit > 0) {
      RENKEI_TRY(stored, RunFindById(*lease, *tenant_id, id, type, scope,
                                     entries.empty() ? limit : limit + entries.size(), now));
    }
    if (entries.empty()) return stored;
    return MergeWithStored(std::move(stored), entries, type, scope, now, limit);
  });
}

base::Result<EntityPage> SqliteStore::Query(const std::string& tenant, const EntityQuery& query) {
  RENKEI_TRY_VOID(WaitForLog(&tenant));
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<EntityPage> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) {
      EntityPage empty;
      if (query.want_count) empty.total_count = 0;
      return empty;
    }
    std::vector<std::string> uncatalogued;
    std::size_t catalogued = 0;
    RENKEI_TRY(EntityPage page, RunQuery(*lease, *tenant_id, query, /*snapshot=*/true,
                                         options_.value_index, &uncatalogued, &catalogued));
    // This query filtered those names document by document; the next ones need not, up to
    // the tenant's cap (builds already requested by concurrent queries and not catalogued yet
    // are not counted, so the cap may be passed by a few names).
    for (auto& name : uncatalogued) {
      if (catalogued >= options_.max_value_indexes_per_tenant) break;
      ++catalogued;
      RequestValueIndex(*tenant_id, std::move(name));
    }
    return page;
  });
}

// ---- value indexes (ADR 0018)

void SqliteStore::RequestValueIndex(std::int64_t tenant_id, std::string name, WriteDone done) {
  {
    std::lock_guard lock(index_builds_mu_);
    auto [it, inserted] = index_builds_.try_emplace({tenant_id, name});
    if (done) it->second.push_back(std::move(done));
    if (!inserted) return;
  }
  Enqueue(ValueIndexStepJob(tenant_id, std::move(name)));
}

SqliteStore::Job SqliteStore::ValueIndexStepJob(std::int64_t tenant_id, std::string name) {
  auto ready = std::make_shared<bool>(false);
  Job job;
  job.alone = true;  // its own transaction: no unit before it wrote without the new name
  job.run = [this, tenant_id, name, ready](Connection& conn, std::int64_t) -> base::Result<void> {
    RENKEI_TRY_VOID(CatalogueValueIndex(conn, tenant_id, name));
    RENKEI_TRY(*ready, BuildValueIndexStep(conn, tenant_id, name, options_.value_index_step));
    writer_catalog_.Reset();
    return base::Ok();
  };
  job.done = [this, tenant_id, name, ready](base::Result<void> result) {
    if (result && !*ready) {
      Enqueue(ValueIndexStepJob(tenant_id, name));
      return;
    }
    FinishValueIndex(tenant_id, name, result);
  };
  return job;
}

void SqliteStore::FinishValueIndex(std::int64_t tenant_id, const std::string& name,
                                   const base::Result<void>& result) {
  std::vector<WriteDone> waiters;
  {
    std::lock_guard lock(index_builds_mu_);
    auto it = index_builds_.find({tenant_id, name});
    if (it == index_builds_.end()) return;
    waiters = std::move(it->second);
    index_builds_.erase(it);
  }
  // Stopped by Close, it goes on at the next open (value_indexes.built_through).
  if (!result && options_.logger) {
    options_.logger->warn(
        "msg=\"value index build stopped\" tenant_id={} name=\"{}\" detail=\"{}\"", tenant_id, name,
        result.error().detail);
  }
  for (auto& waiter : waiters) CompleteWrite(waiter, result);
}

std::size_t SqliteStore::ValueIndexesBuilding() const {
  std::lock_guard lock(index_builds_mu_);
  return index_builds_.size();
}

base::Result<void> SqliteStore::BuildValueIndexes(const std::string& tenant,
                                                  std::vector<std::string> names) {
  // A unit that writes nothing makes sure the tenant exists, so that it has an id.
  RENKEI_TRY_VOID(
      Write(tenant, [](WriteTransaction&) -> base::Result<void> { return base::Ok(); }));
  RENKEI_TRY_VOID(WaitForLog(&tenant));
  RENKEI_TRY(auto tenant_id, Guarded([&]() -> base::Result<std::optional<std::int64_t>> {
               RENKEI_TRY(auto conn, AcquireReader());
               ReaderLease lease(*this, std::move(conn));
               return LookupTenant(*lease, tenant);
             }));
  if (!tenant_id) return Internal("tenant " + tenant + " not found");
  std::vector<std::future<base::Result<void>>> builds;
  for (auto& name : names) {
    auto built = std::make_shared<std::promise<base::Result<void>>>();
    builds.push_back(built->get_future());
    RequestValueIndex(*tenant_id, std::move(name),
                      [built](base::Result<void> r) { built->set_value(std::move(r)); });
  }
  base::Result<void> result = base::Ok();
  for (auto& build : builds) {
    auto r = build.get();
    if (!r && result) result = std::move(r);
  }
  return result;
}

base::Result<std::vector<EntitySource>> SqliteStore::ImportSources(const std::string& tenant,
                                                                   const std::string& type,
                                                                   const ServicePathScope& scope) {
  RENKEI_TRY_VOID(WaitForLog(&tenant));
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::vector<EntitySource>> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) return std::vector<EntitySource>{};
    return ReadImportSourceRows(*lease, *tenant_id, type, scope);
  });
}

base::Result<std::vector<TypeSummary>> SqliteStore::ListTypes(
    const std::string& tenant, const ServicePathScope& scope, base::Timestamp now,
    std::size_t offset, std::size_t limit, std::size_t* total, TypeMembership membership) {
  RENKEI_TRY_VOID(WaitForLog(&tenant));
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::vector<TypeSummary>> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) {
      if (total != nullptr) *total = 0;
      return std::vector<TypeSummary>{};
    }
    return RunListTypes(*lease, *tenant_id, scope, now, offset, limit, total, membership);
  });
}

base::Result<std::vector<HostedContextRecord>> SqliteStore::LoadHostedContexts() {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadHostedContextRows(*lease); });
}

// ---- audit log (audit_rows.cpp holds the SQL)

void SqliteStore::AppendAudit(std::vector<AuditRecord> records, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [records = std::move(records)](Connection& conn, std::int64_t) {
                return InsertAuditRows(conn, records);
              },
              std::move(done)});
}

base::Result<std::vector<AuditRecord>> SqliteStore::ReadAudit(const AuditFilter& filter) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadAuditRows(*lease, filter); });
}

base::Result<AuditVerification> SqliteStore::VerifyAudit() {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return VerifyAuditRows(*lease); });
}

// ---- API keys and authorization policies (access_rows.cpp holds the SQL)

base::Result<std::optional<ApiKeyRecord>> SqliteStore::FindApiKey(const std::string& key_id) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadApiKeyRow(*lease, key_id); });
}

base::Result<std::vector<ApiKeyRecord>> SqliteStore::ListApiKeys(const std::string& tenant) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadApiKeyRows(*lease, tenant); });
}

void SqliteStore::AddApiKey(ApiKeyRecord record, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [record = std::move(record)](Connection& conn, std::int64_t) {
                return InsertApiKeyRow(conn, record);
              },
              std::move(done)});
}

void SqliteStore::RevokeApiKey(std::string tenant, std::string key_id, base::Timestamp at,
                               WriteDone done) {
  Enqueue(
      Job{std::nullopt,
          [tenant = std::move(tenant), key_id = std::move(key_id), at](
              Connection& conn, std::int64_t) { return RevokeApiKeyRow(conn, tenant, key_id, at); },
          std::move(done)});
}

void SqliteStore::TouchApiKey(std::string key_id, base::Timestamp at, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [key_id = std::move(key_id), at](Connection& conn, std::int64_t) {
                return TouchApiKeyRow(conn, key_id, at);
              },
              std::move(done)});
}

base::Result<std::optional<std::string>> SqliteStore::LoadPolicy(const std::string& tenant) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadPolicyRow(*lease, tenant); });
}

void SqliteStore::StorePolicy(std::string tenant, std::string document, base::Timestamp at,
                              WriteDone done) {
  Enqueue(Job{
      std::nullopt,
      [tenant = std::move(tenant), document = std::move(document), at](
          Connection& conn, std::int64_t) { return WritePolicyRow(conn, tenant, document, at); },
      std::move(done)});
}

// ---- consents (consent_rows.cpp holds the SQL)

void SqliteStore::AddConsent(ConsentRecord record, std::size_t max_live, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [record = std::move(record), max_live](Connection& conn, std::int64_t) {
                return InsertConsentRow(conn, record, max_live);
              },
              std::move(done)});
}

void SqliteStore::RevokeConsent(std::string tenant, std::string resident, std::string id,
                                base::Timestamp at, WriteDone done) {
  Enqueue(Job{std::nullopt,
              [tenant = std::move(tenant), resident = std::move(resident), id = std::move(id), at](
                  Connection& conn, std::int64_t) {
                return RevokeConsentRow(conn, tenant, resident, id, at);
              },
              std::move(done)});
}

base::Result<std::vector<ConsentRecord>> SqliteStore::ListConsents(const ConsentFilter& filter) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadConsentRows(*lease, filter); });
}

base::Result<std::optional<ConsentRecord>> SqliteStore::FindLiveConsent(const std::string& tenant,
                                                                        const std::string& resident,
                                                                        const std::string& app,
                                                                        const std::string& type,
                                                                        base::Timestamp now) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadLiveConsentRow(*lease, tenant, resident, app, type, now); });
}

// ---- subscriptions, journal, outbox (subscription_rows.cpp holds the SQL)

base::Result<std::vector<SubscriptionRecord>> SqliteStore::LoadSubscriptions() {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadAllSubscriptionRows(*lease); });
}

base::Result<std::optional<SubscriptionRecord>> SqliteStore::FindSubscription(
    const std::string& tenant, const std::string& id) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::optional<SubscriptionRecord>> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) return std::optional<SubscriptionRecord>();
    return ReadSubscriptionRow(*lease, *tenant_id, tenant, id);
  });
}

base::Result<std::vector<SubscriptionRecord>> SqliteStore::ListSubscriptions(
    const std::string& tenant, std::size_t offset, std::size_t limit, std::size_t* total) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::vector<SubscriptionRecord>> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) {
      if (total != nullptr) *total = 0;
      return std::vector<SubscriptionRecord>{};
    }
    return ReadSubscriptionPage(*lease, *tenant_id, tenant, offset, limit, total);
  });
}

WriteDone SqliteStore::AfterSubscriptionChange(WriteDone done) {
  // Once durable (and before the caller hears of it), the sequencer counts again.
  return [this, done = std::move(done)](base::Result<void> result) {
    subscription_epoch_.fetch_add(1);
    CompleteWrite(done, std::move(result));
  };
}

void SqliteStore::CreateSubscription(SubscriptionRecord record, std::size_t max_per_tenant,
                                     WriteDone done) {
  std::string tenant = record.tenant;
  Enqueue(Job{std::move(tenant),
              [this, record = std::move(record), max_per_tenant](
                  Connection& conn, std::int64_t tenant_id) -> base::Result<void> {
                RENKEI_TRY_VOID(InsertSubscriptionRow(conn, tenant_id, record, max_per_tenant));
                journals_changes_[tenant_id] = true;
                return base::Ok();
              },
              AfterSubscriptionChange(std::move(done))});
}

void SqliteStore::UpdateSubscription(SubscriptionRecord record, WriteDone done) {
  std::string tenant = record.tenant;
  Enqueue(Job{std::move(tenant),
              [record = std::move(record)](Connection& conn, std::int64_t tenant_id) {
                return UpdateSubscriptionRow(conn, tenant_id, record);
              },
              std::move(done)});
}

void SqliteStore::EraseSubscription(std::string tenant, std::string id, WriteDone done) {
  Enqueue(Job{
      std::move(tenant),
      [this, id = std::move(id)](Connection& conn, std::int64_t tenant_id) -> base::Result<void> {
        RENKEI_TRY_VOID(DeleteSubscriptionRow(conn, tenant_id, id));
        journals_changes_.erase(tenant_id);  // counted again on the next write
        return base::Ok();
      },
      AfterSubscriptionChange(std::move(done))});
}

void SqliteStore::SetChangeListener(std::function<void()> listener) {
  // Set before the first write: the writer thread reads it after each commit.
  std::lock_guard lock(queue_mu_);
  change_listener_ = std::move(listener);
}

void SqliteStore::SetJournalFilter(JournalFilter may_notify) {
  // Set before the first write, like the change listener.
  std::lock_guard lock(queue_mu_);
  journal_filter_ = std::move(may_notify);
}

base::Result<std::vector<EntityChange>> SqliteStore::LoadChanges(std::int64_t after_seq,
                                                                 std::size_t limit) {
  // Journal rows come with the entities they describe (write log on: once applied).
  RENKEI_TRY_VOID(WaitForLog());
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadChangeRows(*lease, after_seq, limit); });
}

void SqliteStore::CommitMatches(MatchCommit commit,
                                std::function<void(base::Result<std::size_t>)> done) {
  auto dropped = std::make_shared<std::size_t>(0);
  Enqueue(Job{
      std::nullopt,
      [commit = std::move(commit), dropped](Connection& conn, std::int64_t) -> base::Result<void> {
        RENKEI_TRY(*dropped, ApplyMatchCommit(conn, commit));
        return base::Ok();
      },
      [dropped, done = std::move(done)](base::Result<void> r) {
        if (!r) return done(base::Unexpected{r.error()});
        done(*dropped);
      }});
}

base::Result<std::vector<OutboxEntry>> SqliteStore::LoadOutboxHeads(std::size_t limit) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadOutboxHeads(*lease, limit); });
}

base::Result<std::vector<OutboxEntry>> SqliteStore::LoadOutboxQueue(
    const std::string& tenant, const std::string& subscription_id, std::int64_t after_seq,
    std::size_t limit) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded(
      [&] { return ReadOutboxQueue(*lease, tenant, subscription_id, after_seq, limit); });
}

base::Result<bool> SqliteStore::HasPendingNotifications(const std::string& tenant,
                                                        const std::string& subscription_id,
                                                        base::Timestamp now) {
  // The tenant's acknowledged writes are applied first (their journal rows with them), but
  // only briefly: the caller bounds its whole wait (SubscriptionLimits::answer_wait), and
  // records still unapplied are pending.
  constexpr std::chrono::milliseconds kLogWait{50};
  if (write_log_ != nullptr && !write_log_->WaitForAcknowledged(kLogWait, &tenant)) return true;
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&] { return ReadPendingNotifications(*lease, tenant, subscription_id, now); });
}

base::Result<std::size_t> SqliteStore::CountOutbox(const std::string& tenant) {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() -> base::Result<std::size_t> {
    RENKEI_TRY(auto tenant_id, LookupTenant(*lease, tenant));
    if (!tenant_id) return std::size_t{0};
    return CountOutboxRows(*lease, *tenant_id);
  });
}

base::Result<std::vector<NotifyBacklog>> SqliteStore::LoadNotifyBacklog() {
  RENKEI_TRY(auto conn, AcquireReader());
  ReaderLease lease(*this, std::move(conn));
  return Guarded([&]() { return ReadNotifyBacklog(*lease); });
}

void SqliteStore::RecordDelivery(DeliveryRecord record,
                                 std::function<void(base::Result<bool>)> done) {
  std::vector<DeliveryRecord> records;
  records.push_back(std::move(record));
  RecordDeliveries(std::move(records), std::move(done));
}

void SqliteStore::RecordDeliveries(std::vector<DeliveryRecord> records,
                                   std::function<void(base::Result<bool>)> done) {
  auto deactivated = std::make_shared<bool>(false);
  Enqueue(Job{std::nullopt,
              [records = std::move(records), deactivated](Connection& conn,
                                                          std::int64_t) -> base::Result<void> {
                RENKEI_TRY(*deactivated, ApplyDeliveryRecords(conn, records));
                return base::Ok();
              },
              [deactivated, done = std::move(done)](base::Result<void> r) {
                if (!r) return done(base::Unexpected{r.error()});
                done(*deactivated);
              }});
}

}  // namespace renkei::store::sqlite
