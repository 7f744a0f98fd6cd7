#include "store/sqlite/wal_syncer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "base/thread_name.hpp"

namespace renkei::store::sqlite {
namespace {

base::Unexpected SyncFailure(const std::string& what, int err) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    what + ": " + std::strerror(err));
}

}  // namespace

void CompleteWrite(const WriteDone& done, base::Result<void> result) {
  if (!done) return;
  try {
    done(std::move(result));
  } catch (...) {  // NOLINT(bugprone-empty-catch): nothing sensible to do on this thread
  }
}

WalSyncer::WalSyncer(std::string wal_path, std::function<void()> on_idle)
    : wal_path_(std::move(wal_path)), on_idle_(std::move(on_idle)) {
  thread_ = std::thread([this] {
    base::NameThisThread("renkei-walsync");
    Loop();
  });
}

WalSyncer::~WalSyncer() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  if (fd_ >= 0) ::close(fd_);
}

void WalSyncer::Hand(std::vector<WriteCompletion> completions) {
  {
    std::lock_guard lock(mu_);
    if (pending_.empty()) {
      pending_ = std::move(completions);
    } else {
      for (auto& c : completions) pending_.push_back(std::move(c));
    }
  }
  cv_.notify_one();
}

bool WalSyncer::Idle() {
  std::lock_guard lock(mu_);
  return !syncing_ && pending_.empty();
}

void WalSyncer::Loop() {
  for (;;) {
    std::vector<WriteCompletion> group;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping and drained
      group.swap(pending_);
      syncing_ = true;
    }
    auto synced = SyncWal();
    for (auto& c : group) {
      // A unit that failed stays failed; one that committed is acknowledged only if its
      // frames reached the disk.
      if (c.result && !synced) c.result = base::Fail(synced.error());
      CompleteWrite(c.done, std::move(c.result));
    }
    bool idle = false;
    {
      std::lock_guard lock(mu_);
      syncing_ = false;
      idle = pending_.empty();
    }
    if (idle && on_idle_) on_idle_();
  }
}

base::Result<void> WalSyncer::SyncWal() {
  // SQLite removes the WAL only when the last connection closes, which the store does not
  // do while running; the inode check covers an operator who moved files underneath.
  struct stat by_path {};
  if (::stat(wal_path_.c_str(), &by_path) != 0) {
    // No WAL: nothing was ever committed in WAL mode by this process (every unit failed).
    if (errno == ENOENT) return base::Ok();
    return SyncFailure("stat " + wal_path_, errno);
  }
  struct stat by_fd {};
  if (fd_ >= 0 && (::fstat(fd_, &by_fd) != 0 || by_fd.st_ino != by_path.st_ino)) {
    ::close(fd_);
    fd_ = -1;
  }
  if (fd_ < 0) {
    fd_ = ::open(wal_path_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd_ < 0) return SyncFailure("open " + wal_path_, errno);
  }
  if (::fdatasync(fd_) != 0) return SyncFailure("fdatasync " + wal_path_, errno);
  return base::Ok();
}

}  // namespace renkei::store::sqlite
