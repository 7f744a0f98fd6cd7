// Checkpointer: copies committed WAL frames into the database file on its own thread and
// connection, so the writer thread does not stall on checkpoints (they cost a quarter of the
// writer's time under PATCH load at 1M entities when SQLite ran them on commit).
//
// SQLite allows a PASSIVE checkpoint concurrently with a writer and readers
// (https://sqlite.org/wal.html "Checkpointing"). It does not reset the WAL, though: SQLite
// rewinds the WAL only when a writer starts a transaction after every frame was copied,
// which a background copy racing new commits rarely achieves. So the writer, once the WAL is
// long and this thread is idle, copies the small remainder itself (WriterCheckpoint) and its
// next transaction rewinds the WAL (docs/adr/0003-store-schema.md, "WAL and checkpoints").
//
// Thread-safety: Request, Busy and Runs from any thread; Stop from one thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "base/result.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

class Checkpointer {
 public:
  // Opens its own read-write connection to `path` (synchronous=FULL: the database file is
  // synced before SQLite records frames as copied, so a rewound WAL never loses data).
  static base::Result<std::unique_ptr<Checkpointer>> Start(const std::string& path,
                                                           int busy_timeout_ms);
  ~Checkpointer();
  Checkpointer(const Checkpointer&) = delete;
  Checkpointer& operator=(const Checkpointer&) = delete;

  // Stops and joins the thread (idempotent; the destructor calls it).
  void Stop();
  // Asks for one checkpoint; ignored while one runs (the next commit asks again).
  void Request();
  bool Busy() const { return busy_.load(std::memory_order_acquire); }
  // WAL frames copied into the database file as of the last completed checkpoint (of the
  // WAL as it was then; after a rewind the figure belongs to the previous WAL).
  std::int64_t Copied() const { return copied_.load(std::memory_order_relaxed); }
  // Checkpoints completed (for tests and the debug log).
  std::uint64_t Runs() const { return runs_.load(std::memory_order_relaxed); }

 private:
  explicit Checkpointer(std::unique_ptr<Connection> conn);
  void Loop();

  std::unique_ptr<Connection> conn_;  // used by the thread only
  std::mutex mu_;                     // guards requested_, stopping_
  std::condition_variable cv_;
  bool requested_ = false;
  bool stopping_ = false;
  std::atomic<bool> busy_{false};
  std::atomic<std::uint64_t> runs_{0};
  std::atomic<std::int64_t> copied_{0};
  std::thread thread_;
};

// A PASSIVE checkpoint on `conn` (the writer's, between transactions): copies what the
// background thread has not yet copied. SQLITE_BUSY (a checkpoint already running) is not an
// error: the caller tries again after a later commit.
base::Result<void> WriterCheckpoint(Connection& conn);

}  // namespace renkei::store::sqlite
