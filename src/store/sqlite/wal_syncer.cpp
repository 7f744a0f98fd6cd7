#include "store/sqlite/wal_syncer.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
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
    : WalSyncer(WalFileSync(std::move(wal_path)), std::move(on_idle), "renkei-walsync") {}

WalSyncer::WalSyncer(SyncFunction sync, std::function<void()> on_idle, std::string thread_name)
    : sync_(std::move(sync)), on_idle_(std::move(on_idle)) {
  thread_ = std::thread([this, name = std::move(thread_name)] {
    base::NameThisThread(name);
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
    auto synced = sync_();
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

SyncFunction WalFileSync(std::string wal_path) {
  // The descriptor lives as long as the function (one syncer thread calls it).
  struct WalFile {
    std::string path;
    int fd = -1;
    ~WalFile() {
      if (fd >= 0) ::close(fd);
    }
  };
  auto file = std::make_shared<WalFile>();
  file->path = std::move(wal_path);
  return [file]() -> base::Result<void> {
    const std::string& path = file->path;
    int& fd = file->fd;
    // SQLite removes the WAL only when the last connection closes, which the store does not
    // do while running; the inode check covers an operator who moved files underneath.
    struct stat by_path {};
    if (::stat(path.c_str(), &by_path) != 0) {
      // No WAL: nothing was ever committed in WAL mode by this process (every unit failed).
      if (errno == ENOENT) return base::Ok();
      return SyncFailure("stat " + path, errno);
    }
    struct stat by_fd {};
    if (fd >= 0 && (::fstat(fd, &by_fd) != 0 || by_fd.st_ino != by_path.st_ino)) {
      ::close(fd);
      fd = -1;
    }
    if (fd < 0) {
      fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      if (fd < 0) return SyncFailure("open " + path, errno);
    }
    if (::fdatasync(fd) != 0) return SyncFailure("fdatasync " + path, errno);
    return base::Ok();
  };
}

}  // namespace renkei::store::sqlite
