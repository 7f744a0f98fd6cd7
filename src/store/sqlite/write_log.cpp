#include "store/sqlite/write_log.hpp"

#include <algorithm>

namespace renkei::store::sqlite {

base::Result<std::unique_ptr<WriteLog>> WriteLog::Open(const std::string& dir,
                                                       std::uint64_t applied_seq,
                                                       std::function<void()> on_synced) {
  RecordLogOptions options;
  options.dir = dir;
  options.first_seq = applied_seq + 1;
  RENKEI_TRY(std::unique_ptr<RecordLog> log, RecordLog::Open(options));
  if (log->LastSeq() < applied_seq) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "write log " + dir + " ends at record " + std::to_string(log->LastSeq()) +
                          " but the database holds records up to " + std::to_string(applied_seq) +
                          "; it belongs to another database");
  }
  return std::unique_ptr<WriteLog>(new WriteLog(std::move(log), applied_seq, std::move(on_synced)));
}

WriteLog::WriteLog(std::unique_ptr<RecordLog> log, std::uint64_t applied_seq,
                   std::function<void()> on_synced)
    : log_(std::move(log)), on_synced_(std::move(on_synced)) {
  synced_seq_ = applied_seq;
  applied_seq_ = applied_seq;
  syncer_ =
      std::make_unique<WalSyncer>([this] { return SyncAndPublish(); }, nullptr, "renkei-logsync");
}

WriteLog::~WriteLog() { StopSyncing(); }

base::Result<std::vector<UnitRecord>> WriteLog::ReadUnapplied() const {
  RENKEI_TRY(std::vector<LogRecord> raw, log_->ReadAfter(AppliedSeq()));
  std::vector<UnitRecord> out;
  out.reserve(raw.size());
  for (const auto& r : raw) {
    RENKEI_TRY(UnitRecord record, DecodeUnitRecord(r.payload, r.seq));
    out.push_back(std::move(record));
  }
  return out;
}

void WriteLog::Recovered(std::vector<UnitRecord> records) {
  if (records.empty()) return;
  const std::uint64_t last = records.back().seq;
  Requeue(std::move(records));
  std::lock_guard lock(mu_);
  synced_seq_ = std::max(synced_seq_, last);
}

base::Result<void> WriteLog::Append(UnitRecord record) {
  if (append_failure_) return base::Fail(*append_failure_);
  const std::string payload = EncodeUnitRecord(record);
  auto seq = log_->Append({payload});
  if (!seq) {
    append_failure_ = seq.error();
    return base::Fail(seq.error());
  }
  record.seq = *seq;
  overlay_.Put(record);
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  pending_writes_ += record.writes.size();
  if (!record.changes.empty() && pending_journals_++ == 0) journal_since_ = now;
  tenant_last_seq_[record.tenant] = record.seq;
  appended_.push_back(Pending{std::move(record), now});
  return base::Ok();
}

void WriteLog::Hand(std::vector<WriteCompletion> completions) {
  if (syncer_ != nullptr) syncer_->Hand(std::move(completions));
}

void WriteLog::StopSyncing() { syncer_.reset(); }

base::Result<void> WriteLog::SyncAndPublish() {
  const std::uint64_t last = log_->LastSeq();
  RENKEI_TRY_VOID(log_->Sync());
  {
    std::lock_guard lock(mu_);
    synced_seq_ = std::max(synced_seq_, last);
  }
  if (on_synced_) on_synced_();
  return base::Ok();
}

std::vector<UnitRecord> WriteLog::TakeSynced(std::size_t max_writes) {
  std::vector<UnitRecord> out;
  std::size_t writes = 0;
  std::lock_guard lock(mu_);
  while (!appended_.empty() && appended_.front().record.seq <= synced_seq_ &&
         (out.empty() || writes + appended_.front().record.writes.size() <= max_writes)) {
    UnitRecord& record = appended_.front().record;
    writes += record.writes.size();
    pending_writes_ -= record.writes.size();
    if (!record.changes.empty()) --pending_journals_;
    out.push_back(std::move(record));
    appended_.pop_front();
  }
  return out;
}

bool WriteLog::HasSynced() const {
  std::lock_guard lock(mu_);
  return !appended_.empty() && appended_.front().record.seq <= synced_seq_;
}

std::optional<std::chrono::steady_clock::duration> WriteLog::ApplyDueIn(
    const ApplyTiming& timing, std::chrono::steady_clock::time_point now) const {
  using Duration = std::chrono::steady_clock::duration;
  std::lock_guard lock(mu_);
  if (appended_.empty() || appended_.front().record.seq > synced_seq_) return std::nullopt;
  if (waiters_ > 0 || pending_writes_ >= timing.batch) return Duration::zero();
  // From half the back-pressure bound on, apply at once: the round then takes about half the
  // bound, and the sequencer fills the other half meanwhile. Waiting for the bound itself made
  // a bulk import alternate (the sequencer stopped for the whole round, the applier idled
  // while the sequencer refilled): one core's worth of work on two cores.
  if (overlay_.Size() * 2 >= timing.max_overlay_keys ||
      overlay_.Bytes() * 2 >= timing.max_overlay_bytes) {
    return Duration::zero();
  }
  auto due = appended_.front().appended_at + timing.delay;
  if (pending_journals_ > 0) due = std::min(due, journal_since_ + timing.journal_delay);
  return due <= now ? Duration::zero() : due - now;
}

void WriteLog::Requeue(std::vector<UnitRecord> records) {
  const auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  for (auto it = records.rbegin(); it != records.rend(); ++it) {
    pending_writes_ += it->writes.size();
    if (!it->changes.empty() && pending_journals_++ == 0) journal_since_ = now;
    appended_.push_front(Pending{std::move(*it), now});
  }
}

void WriteLog::Applied(const std::vector<UnitRecord>& records) {
  if (records.empty()) return;
  overlay_.Release(records);
  {
    std::lock_guard lock(mu_);
    applied_seq_ = std::max(applied_seq_, records.back().seq);
  }
  applied_cv_.notify_all();
}

void WriteLog::DropThrough(std::uint64_t seq) { (void)log_->DropThrough(seq); }

base::Result<void> WriteLog::WaitForAcknowledged(std::chrono::milliseconds timeout,
                                                 const std::string* tenant) {
  std::unique_lock lock(mu_);
  std::uint64_t target = synced_seq_;
  if (tenant != nullptr) {
    // Records apply in seq order: the tenant's last record, when synced, is enough (when it
    // is not synced yet, what is synced is, conservatively).
    auto it = tenant_last_seq_.find(*tenant);
    target = it == tenant_last_seq_.end() ? 0 : std::min(it->second, synced_seq_);
  }
  if (applied_seq_ >= target) return base::Ok();
  // A waiting query makes the synced records due at once (ApplyDueIn): wake the applier.
  ++waiters_;
  lock.unlock();
  if (on_synced_) on_synced_();
  lock.lock();
  const bool applied = applied_cv_.wait_for(lock, timeout, [&] { return applied_seq_ >= target; });
  --waiters_;
  if (applied) return base::Ok();
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "the store is behind: acknowledged writes up to record " +
                        std::to_string(target) + " are not applied after " +
                        std::to_string(timeout.count()) +
                        " ms (applied: " + std::to_string(applied_seq_) + ")");
}

WriteLogStats WriteLog::Stats() const {
  WriteLogStats stats;
  stats.unapplied_entities = overlay_.Size();
  stats.unapplied_bytes = overlay_.Bytes();
  const std::uint64_t last = log_->LastSeq();
  std::lock_guard lock(mu_);
  stats.unapplied_records = last > applied_seq_ ? last - applied_seq_ : 0;
  return stats;
}

std::uint64_t WriteLog::AppliedSeq() const {
  std::lock_guard lock(mu_);
  return applied_seq_;
}

}  // namespace renkei::store::sqlite
