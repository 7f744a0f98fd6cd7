#include "store/sqlite/checkpointer.hpp"

#include <sqlite3.h>

#include <utility>

#include "base/thread_name.hpp"

namespace renkei::store::sqlite {
namespace {

base::Result<void> PassiveCheckpoint(Connection& conn, int* log_frames, int* copied_frames) {
  int rc = sqlite3_wal_checkpoint_v2(conn.handle(), nullptr, SQLITE_CHECKPOINT_PASSIVE, log_frames,
                                     copied_frames);
  if (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED) return base::Ok();
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    std::string("WAL checkpoint failed: ") + sqlite3_errstr(rc));
}

}  // namespace

base::Result<std::unique_ptr<Checkpointer>> Checkpointer::Start(const std::string& path,
                                                                int busy_timeout_ms) {
  ConnectionOptions options;
  options.busy_timeout_ms = busy_timeout_ms;
  // Checkpoints read WAL frames and write database pages; they need no page cache of note.
  options.cache_size_kib = 1024;
  RENKEI_TRY(auto conn, Connection::Open(path, options));
  RENKEI_TRY_VOID(conn->Exec("PRAGMA synchronous=FULL"));
  // A connection learns that the database is in WAL mode when it first reads it; until then
  // a checkpoint through it would silently do nothing.
  RENKEI_TRY_VOID(conn->Exec("SELECT count(*) FROM sqlite_schema"));
  std::unique_ptr<Checkpointer> checkpointer(new Checkpointer(std::move(conn)));
  checkpointer->thread_ = std::thread([c = checkpointer.get()] {
    base::NameThisThread("renkei-ckpt");
    c->Loop();
  });
  return checkpointer;
}

Checkpointer::Checkpointer(std::unique_ptr<Connection> conn) : conn_(std::move(conn)) {}

Checkpointer::~Checkpointer() { Stop(); }

void Checkpointer::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void Checkpointer::Request() {
  if (Busy()) return;
  {
    std::lock_guard lock(mu_);
    requested_ = true;
  }
  cv_.notify_one();
}

void Checkpointer::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || requested_; });
      if (stopping_) return;
      requested_ = false;
      busy_.store(true, std::memory_order_release);
    }
    // A failure (disk full, I/O error) leaves the frames in the WAL, where they stay valid;
    // the writer's own checkpoint reports it, so nothing is lost by ignoring it here.
    int log_frames = 0;
    int copied_frames = 0;
    if (PassiveCheckpoint(*conn_, &log_frames, &copied_frames) && copied_frames >= 0) {
      copied_.store(copied_frames, std::memory_order_relaxed);
    }
    runs_.fetch_add(1, std::memory_order_relaxed);
    busy_.store(false, std::memory_order_release);
  }
}

base::Result<void> WriterCheckpoint(Connection& conn) {
  return PassiveCheckpoint(conn, nullptr, nullptr);
}

}  // namespace renkei::store::sqlite
