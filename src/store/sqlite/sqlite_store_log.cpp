// SqliteStore with the write log on (ADR 0013 option B; sqlite_store.hpp, write_log.hpp):
// recovery at open, the sequencer thread, and the applier's rounds on the writer thread.
#include <filesystem>
#include <thread>

#include "store/sqlite/guarded.hpp"
#include "store/sqlite/log_applier.hpp"
#include "store/sqlite/logged_transaction.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "store/sqlite/subscription_rows.hpp"

namespace renkei::store::sqlite {

base::Result<void> SqliteStore::OpenWriteLog() {
  const std::string dir = (std::filesystem::path(options_.data_dir) / "log").string();
  std::error_code ec;
  if (!options_.write_log && !std::filesystem::exists(dir, ec)) return base::Ok();
  RENKEI_TRY(const std::uint64_t applied, ReadAppliedSeq(*writer_conn_));
  auto opened = WriteLog::Open(dir, applied, [this] {
    std::lock_guard lock(queue_mu_);
    queue_cv_.notify_all();
  });
  if (!opened && opened.error().title == kLogInUse) {
    // Another process (a running `renkei serve`, when this is a CLI command) owns the log:
    // it applies its records itself, and this store writes on the direct path, through
    // SQLite's own locking between processes.
    if (options_.logger != nullptr) {
      options_.logger->warn(
          "msg=\"write log in use by another process; writing directly to SQLite\" dir=\"{}\"",
          dir);
    }
    return base::Ok();
  }
  RENKEI_TRY(std::unique_ptr<WriteLog> log, std::move(opened));
  // Records acknowledged by an earlier run and not applied when it stopped: applied now,
  // before anything is served, in the applier's batches.
  RENKEI_TRY(std::vector<UnitRecord> unapplied, log->ReadUnapplied());
  const std::size_t replayed = unapplied.size();
  const std::uint64_t through = replayed == 0 ? 0 : unapplied.back().seq;
  log->Recovered(std::move(unapplied));
  for (auto chunk = log->TakeSynced(options_.apply_batch); !chunk.empty();
       chunk = log->TakeSynced(options_.apply_batch)) {
    RENKEI_TRY_VOID(ApplyInTransaction(chunk));
    log->Applied(chunk);
  }
  if (options_.logger != nullptr && replayed > 0) {
    options_.logger->info("msg=\"write log replayed\" records={} through={}", replayed, through);
  }
  if (!options_.write_log) return base::Ok();  // replayed; the log stays closed
  ConnectionOptions reader_options;
  reader_options.read_only = true;
  reader_options.busy_timeout_ms = options_.busy_timeout_ms;
  reader_options.cache_size_kib = options_.writer_cache_kib;
  RENKEI_TRY(sequencer_reader_, Connection::Open(path_, reader_options));
  write_log_ = std::move(log);
  return base::Ok();
}

void SqliteStore::SequencerLoop() {
  for (;;) {
    std::vector<LogUnit> batch;
    {
      std::unique_lock lock(seq_mu_);
      seq_cv_.wait(lock, [&] { return seq_stopping_ || !seq_queue_.empty(); });
      if (seq_queue_.empty()) return;  // stopping and drained
      while (!seq_queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(std::move(seq_queue_.front()));
        seq_queue_.pop_front();
      }
    }
    // Back-pressure (ADR 0013): writers wait while the applier is too far behind.
    write_log_->overlay().WaitAtMost(
        options_.max_overlay, options_.max_overlay_bytes,
        [this] { return apply_abandoned_.load(); }, std::chrono::milliseconds(100));
    std::vector<WriteCompletion> completions;
    completions.reserve(batch.size());
    for (auto& unit : batch) {
      auto result = RunLoggedUnit(unit);
      completions.push_back(WriteCompletion{std::move(unit.done), std::move(result)});
    }
    stat_units_.fetch_add(batch.size(), std::memory_order_relaxed);
    write_log_->Hand(std::move(completions));
  }
}

base::Result<void> SqliteStore::RunLoggedUnit(LogUnit& unit) {
  return Guarded([&]() -> base::Result<void> {
    Connection& reader = *sequencer_reader_;
    RENKEI_TRY(std::optional<std::int64_t> tenant_id, LookupTenant(reader, unit.tenant));
    // A tenant SQLite does not know has no subscriptions: they create it.
    bool journal = false;
    if (tenant_id) {
      RENKEI_TRY(journal, SequencerJournals(*tenant_id));
    }
    LoggedTransaction txn(reader, tenant_id, unit.tenant, write_log_->overlay(), journal,
                          journal_filter_);
    RENKEI_TRY_VOID(unit.unit(txn));
    UnitRecord record = txn.TakeRecord();
    if (record.Empty()) return base::Ok();
    return write_log_->Append(std::move(record));
  });
}

base::Result<bool> SqliteStore::SequencerJournals(std::int64_t tenant_id) {
  const std::uint64_t epoch = subscription_epoch_.load();
  if (epoch != seq_epoch_seen_) {
    seq_journals_.clear();
    seq_epoch_seen_ = epoch;
  }
  if (auto it = seq_journals_.find(tenant_id); it != seq_journals_.end()) return it->second;
  RENKEI_TRY(std::int64_t count, CountSubscriptionRows(*sequencer_reader_, tenant_id));
  seq_journals_[tenant_id] = count > 0;
  return count > 0;
}

std::optional<std::chrono::steady_clock::duration> SqliteStore::LogDueIn() {
  if (write_log_ == nullptr || apply_abandoned_.load()) return std::nullopt;
  // Closing: everything synced is applied now.
  if (stopping_) {
    if (!write_log_->HasSynced()) return std::nullopt;
    return std::chrono::steady_clock::duration::zero();
  }
  return write_log_->ApplyDueIn(
      ApplyTiming{options_.apply_batch, options_.apply_delay, options_.journal_apply_delay,
                  options_.max_overlay, options_.max_overlay_bytes},
      std::chrono::steady_clock::now());
}

std::optional<WriteLogStats> SqliteStore::WriteLogBacklog() const {
  if (write_log_ == nullptr) return std::nullopt;
  return write_log_->Stats();
}

base::Result<void> SqliteStore::WaitForLog(const std::string* tenant) {
  if (write_log_ == nullptr) return base::Ok();
  return write_log_->WaitForAcknowledged(options_.query_wait, tenant);
}

base::Result<bool> SqliteStore::ApplyInTransaction(const std::vector<UnitRecord>& records) {
  Connection& conn = *writer_conn_;
  auto journaled = Guarded([&]() -> base::Result<bool> {
    RENKEI_TRY_VOID(conn.RunCached("BEGIN IMMEDIATE"));
    writer_catalog_.Reset();
    auto applied = ApplyRecords(
        conn, records, [this](const std::string& t) { return EnsureTenant(t); }, writer_catalog_);
    if (applied) {
      if (auto commit = conn.RunCached("COMMIT"); !commit) applied = base::Fail(commit.error());
    }
    if (!applied) (void)conn.Exec("ROLLBACK");
    return applied;
  });
  if (journaled) {
    PublishPendingTenants();
  } else {
    ForgetTransactionState();
  }
  return journaled;
}

bool SqliteStore::ApplyLogRound() {
  std::vector<UnitRecord> records = write_log_->TakeSynced(options_.apply_batch);
  if (records.empty()) return true;
  const auto started = std::chrono::steady_clock::now();
  auto journaled = ApplyInTransaction(records);
  if (!journaled) {
    if (options_.logger != nullptr) {
      options_.logger->error("msg=\"write log apply failed\" records={} detail=\"{}\"",
                             records.size(), journaled.error().detail);
    }
    write_log_->Requeue(std::move(records));
    // The records are durable in the log; try again shortly (a restart replays them too).
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return false;
  }
  if (*journaled) JournalCommitted();
  write_log_->Applied(records);
  // The log keeps the records until the WAL that holds them now is synced.
  const std::uint64_t last = records.back().seq;
  const std::size_t applied_records = records.size();
  const bool log_round =
      options_.logger != nullptr && options_.logger->should_log(spdlog::level::debug);
  std::size_t writes = 0;
  if (log_round) {
    for (const auto& r : records) writes += r.writes.size();
  }
  // The records go with the completion, so their entities are freed on the syncer's thread:
  // freeing a round's decoded entities was ~7% of the applier's time in a bulk import. No
  // other reference is kept here, or the last one could be dropped on this thread after all.
  std::vector<WriteCompletion> drop;
  drop.push_back(WriteCompletion{[log = write_log_.get(), last,
                                  spent = std::make_shared<std::vector<UnitRecord>>(
                                      std::move(records))](base::Result<void> synced) mutable {
                                   if (synced) log->DropThrough(last);
                                   spent.reset();
                                 },
                                 base::Ok()});
  syncer_->Hand(std::move(drop));
  stat_commits_.fetch_add(1, std::memory_order_relaxed);
  if (log_round) {
    options_.logger->debug(
        "msg=\"write log applied\" records={} writes={} through={} ms={:.1f}", applied_records,
        writes, last,
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
            .count());
  }
  ScheduleCheckpoint();
  return true;
}

}  // namespace renkei::store::sqlite
