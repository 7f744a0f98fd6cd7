// WalSyncer: makes committed write batches durable off the writer thread.
//
// The writer connection runs with synchronous=NORMAL: a COMMIT appends the transaction's
// frames to the WAL without fsync, so the writer thread goes on with the next group of units
// at once. Its completions (the units' WriteDone calls) are handed here; this thread runs one
// fdatasync of the WAL file for everything handed over since the last one, and only then
// calls them. A unit is therefore acknowledged only once its frames are on disk, as with
// synchronous=FULL, while the sync of group N overlaps the work of group N+1
// (docs/adr/0003-store-schema.md, "WAL and checkpoints").
//
// The difference from FULL, documented there: readers may see a group's changes before it
// is acknowledged (between its COMMIT and the fsync); only a power loss in that window could
// make a seen-but-unacknowledged change disappear. kill -9 cannot: the frames are in the
// kernel's page cache once COMMIT returns.
//
// The same thread type makes the write log durable (store/sqlite/write_log.hpp): it is
// built with another sync function and thread name.
//
// Thread-safety: Hand and Idle from one thread (the writer); the destructor syncs and completes
// what was handed over, then joins.
#pragma once

#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/result.hpp"
#include "store/entity_store.hpp"

namespace renkei::store::sqlite {

struct WriteCompletion {
  WriteDone done;
  base::Result<void> result;
};

// Calls `done` (if any), swallowing exceptions: a throwing callback must not take a store
// thread (and every later write) with it.
void CompleteWrite(const WriteDone& done, base::Result<void> result);

// A function that makes everything written before its call durable.
using SyncFunction = std::function<base::Result<void>()>;

// fdatasync of a SQLite WAL file, reopened when missing or replaced.
SyncFunction WalFileSync(std::string wal_path);

class WalSyncer {
 public:
  // `on_idle` runs on the syncer thread each time it has completed everything handed over
  // (the writer waits for that to commit its next group, see SqliteStore::RunBatch).
  WalSyncer(std::string wal_path, std::function<void()> on_idle);
  WalSyncer(SyncFunction sync, std::function<void()> on_idle, std::string thread_name);
  ~WalSyncer();
  WalSyncer(const WalSyncer&) = delete;
  WalSyncer& operator=(const WalSyncer&) = delete;

  // Completions of one committed group, called after the next fdatasync of the WAL.
  void Hand(std::vector<WriteCompletion> completions);
  // Nothing handed over is waiting or being synced.
  bool Idle();

 private:
  void Loop();

  const SyncFunction sync_;
  const std::function<void()> on_idle_;
  std::mutex mu_;  // guards pending_, syncing_, stopping_
  std::condition_variable cv_;
  std::vector<WriteCompletion> pending_;
  bool syncing_ = false;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace renkei::store::sqlite
