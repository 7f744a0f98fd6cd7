#include "store/sqlite/record_log.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "store/sqlite/crc32c.hpp"

namespace renkei::store::sqlite {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kHeaderBytes = 16;  // length, CRC, seq

base::Unexpected IoFailure(std::string what, int error) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "record log: " + what + ": " + std::strerror(error));
}

base::Unexpected Corrupt(const std::string& path, std::uint64_t offset, std::string why) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "record log: " + path + " is damaged at byte " + std::to_string(offset) + " (" +
                        why + ") before its end: acknowledged records would be lost");
}

void PutLe(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out += static_cast<char>((value >> (8 * i)) & 0xFFu);
}

std::uint64_t GetLe(std::string_view in, std::size_t at, int bytes) {
  std::uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |=
        static_cast<std::uint64_t>(static_cast<unsigned char>(in[at + static_cast<std::size_t>(i)]))
        << (8 * i);
  }
  return value;
}

std::uint32_t FrameCrc(std::uint64_t seq, std::string_view payload) {
  // The seq's bytes on the stack: this runs once per record, and a heap string per call cost
  // more than the CRC of a small record.
  char seq_bytes[8];
  for (int i = 0; i < 8; ++i) seq_bytes[i] = static_cast<char>((seq >> (8 * i)) & 0xFFu);
  return crc32c::Extend(crc32c::Extend(0, std::string_view(seq_bytes, sizeof seq_bytes)), payload);
}

void AppendFrame(std::string& out, std::uint64_t seq, std::string_view payload) {
  PutLe(out, payload.size(), 4);
  PutLe(out, FrameCrc(seq, payload), 4);
  PutLe(out, seq, 8);
  out.append(payload);
}

std::string SegmentName(std::uint64_t first_seq) {
  char name[48];
  std::snprintf(name, sizeof name, "log-%020llu.rlog", static_cast<unsigned long long>(first_seq));
  return name;
}

// The first sequence number a segment's name announces; 0 when it is not a segment's name.
std::uint64_t FirstSeqOfName(const std::string& name) {
  if (name.size() != 29 || !name.starts_with("log-") || !name.ends_with(".rlog")) return 0;
  std::uint64_t seq = 0;
  for (char c : name.substr(4, 20)) {
    if (c < '0' || c > '9') return 0;
    seq = seq * 10 + static_cast<std::uint64_t>(c - '0');
  }
  return seq;
}

base::Result<std::string> ReadWhole(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return IoFailure("open " + path, errno);
  std::string content;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      return IoFailure("read " + path, error);
    }
    if (n == 0) break;
    content.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fd);
  return content;
}

// The frames of one segment's bytes, in order, up to the first one that is torn or fails
// its checks; `good_bytes` is where that one starts (the whole size when none does).
struct ParsedSegment {
  std::vector<LogRecord> records;
  std::size_t good_bytes = 0;
  std::string problem;  // why the frame at good_bytes was refused; empty when none was
};

ParsedSegment ParseFrames(std::string_view bytes, std::uint64_t expected_first_seq) {
  ParsedSegment parsed;
  std::uint64_t expected = expected_first_seq;
  std::size_t at = 0;
  while (at < bytes.size()) {
    if (bytes.size() - at < kHeaderBytes) {
      parsed.problem = "a frame header cut short";
      break;
    }
    const std::uint64_t length = GetLe(bytes, at, 4);
    const auto crc = static_cast<std::uint32_t>(GetLe(bytes, at + 4, 4));
    const std::uint64_t seq = GetLe(bytes, at + 8, 8);
    if (length > RecordLog::kMaxPayload) {
      parsed.problem = "a frame length over the maximum";
      break;
    }
    if (bytes.size() - at - kHeaderBytes < length) {
      parsed.problem = "a frame cut short";
      break;
    }
    const std::string_view payload = bytes.substr(at + kHeaderBytes, length);
    if (FrameCrc(seq, payload) != crc) {
      parsed.problem = "a checksum mismatch";
      break;
    }
    if (seq != expected) {
      parsed.problem = "sequence number " + std::to_string(seq) + " where " +
                       std::to_string(expected) + " was due";
      break;
    }
    parsed.records.push_back(LogRecord{seq, std::string(payload)});
    ++expected;
    at += kHeaderBytes + length;
  }
  parsed.good_bytes = at;
  return parsed;
}

base::Result<void> WriteAll(int fd, std::string_view bytes, const std::string& path) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return IoFailure("write " + path, errno);
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return base::Ok();
}

base::Result<void> SyncPath(const std::string& path, bool directory) {
  const int fd = ::open(path.c_str(), (directory ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
  if (fd < 0) return IoFailure("open " + path, errno);
  const int rc = directory ? ::fsync(fd) : ::fdatasync(fd);
  const int error = errno;
  ::close(fd);
  if (rc != 0) return IoFailure("sync " + path, error);
  return base::Ok();
}

}  // namespace

// One segment file. The current segment keeps its descriptor open for appending.
struct RecordLog::Segment {
  std::string path;
  std::uint64_t first_seq = 0;
  std::uint64_t last_seq = 0;  // first_seq - 1 while empty
  std::uint64_t bytes = 0;
  int fd = -1;  // open for appending (the current segment) or for syncing; -1 when closed

  ~Segment() {
    if (fd >= 0) ::close(fd);
  }
};

RecordLog::RecordLog(RecordLogOptions options) : options_(std::move(options)) {}
RecordLog::~RecordLog() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

base::Result<std::unique_ptr<RecordLog>> RecordLog::Open(const RecordLogOptions& options) {
  std::error_code error;
  fs::create_directories(options.dir, error);
  if (error) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "record log: cannot create " + options.dir + ": " + error.message());
  }
  std::unique_ptr<RecordLog> log(new RecordLog(options));
  const std::string lock_path = (fs::path(options.dir) / "LOCK").string();
  log->lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (log->lock_fd_ < 0) return IoFailure("open " + lock_path, errno);
  if (::flock(log->lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) return IoFailure("lock " + lock_path, errno);
    return base::Fail(base::ErrorCode::kInternalError, kLogInUse,
                      "record log " + options.dir + " is in use by another process");
  }
  RENKEI_TRY_VOID(log->Recover());
  return log;
}

base::Result<void> RecordLog::Recover() {
  std::vector<std::uint64_t> firsts;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(options_.dir, error)) {
    if (const std::uint64_t first = FirstSeqOfName(entry.path().filename().string())) {
      firsts.push_back(first);
    }
  }
  if (error) return IoFailure("list " + options_.dir, error.value());
  std::sort(firsts.begin(), firsts.end());
  for (std::size_t i = 0; i < firsts.size(); ++i) {
    const bool last = i + 1 == firsts.size();
    auto segment = std::make_shared<Segment>();
    segment->first_seq = firsts[i];
    segment->path = (fs::path(options_.dir) / SegmentName(firsts[i])).string();
    RENKEI_TRY(std::string bytes, ReadWhole(segment->path));
    ParsedSegment parsed = ParseFrames(bytes, firsts[i]);
    if (!parsed.problem.empty() && !last) {
      return Corrupt(segment->path, parsed.good_bytes, parsed.problem);
    }
    if (!segments_.empty() && segments_.back()->last_seq + 1 != firsts[i]) {
      return Corrupt(segment->path, 0, "it does not continue the segment before it");
    }
    segment->last_seq = firsts[i] + parsed.records.size() - 1;
    segment->bytes = parsed.good_bytes;
    if (last) {
      // The torn tail of the last segment was never synced, so never acknowledged.
      segment->fd = ::open(segment->path.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
      if (segment->fd < 0) return IoFailure("open " + segment->path, errno);
      if (parsed.good_bytes < bytes.size()) {
        if (::ftruncate(segment->fd, static_cast<off_t>(parsed.good_bytes)) != 0) {
          return IoFailure("truncate " + segment->path, errno);
        }
        RENKEI_TRY_VOID(SyncPath(segment->path, false));
      }
    }
    last_seq_ = segment->last_seq;
    segments_.push_back(std::move(segment));
  }
  if (segments_.empty()) {
    const std::uint64_t first = std::max<std::uint64_t>(options_.first_seq, 1);
    RENKEI_TRY_VOID(StartSegment(first));
    last_seq_ = first - 1;
  }
  return base::Ok();
}

base::Result<void> RecordLog::StartSegment(std::uint64_t first_seq) {
  auto segment = std::make_shared<Segment>();
  segment->first_seq = first_seq;
  segment->last_seq = first_seq - 1;
  segment->path = (fs::path(options_.dir) / SegmentName(first_seq)).string();
  segment->fd =
      ::open(segment->path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (segment->fd < 0) return IoFailure("create " + segment->path, errno);
  if (!segments_.empty()) {
    // The previous segment is complete and synced (Append), unless a Sync running now still
    // holds it: that Sync closes it afterwards.
    auto& previous = segments_.back();
    if (previous.use_count() == 1 && previous->fd >= 0) {
      ::close(previous->fd);
      previous->fd = -1;
    }
  }
  segments_.push_back(std::move(segment));
  directory_unsynced_ = true;
  return base::Ok();
}

base::Result<std::uint64_t> RecordLog::Append(const std::vector<std::string_view>& payloads) {
  for (const auto& payload : payloads) {
    if (payload.size() > kMaxPayload) {
      return base::Fail(base::ErrorCode::kPayloadTooLarge, "PayloadTooLarge",
                        "record log: a record of " + std::to_string(payload.size()) +
                            " bytes is over the maximum of " + std::to_string(kMaxPayload));
    }
  }
  std::lock_guard lock(mu_);
  std::string frames;
  auto flush = [&]() -> base::Result<void> {
    if (frames.empty()) return base::Ok();
    auto& current = segments_.back();
    RENKEI_TRY_VOID(WriteAll(current->fd, frames, current->path));
    current->bytes += frames.size();
    if (std::find(unsynced_.begin(), unsynced_.end(), current) == unsynced_.end()) {
      unsynced_.push_back(current);
    }
    frames.clear();
    return base::Ok();
  };
  for (const auto& payload : payloads) {
    const std::uint64_t frame_bytes = kHeaderBytes + payload.size();
    auto& current = *segments_.back();
    const bool current_has_records = current.last_seq >= current.first_seq;
    if (current_has_records &&
        current.bytes + frames.size() + frame_bytes > options_.segment_bytes) {
      RENKEI_TRY_VOID(flush());
      // A segment is synced before the next one exists, so after any crash only the last
      // segment can be torn, and damage anywhere else is real (once per segment_bytes).
      if (::fdatasync(current.fd) != 0) return IoFailure("fdatasync " + current.path, errno);
      std::erase(unsynced_, segments_.back());
      RENKEI_TRY_VOID(StartSegment(last_seq_ + 1));
    }
    AppendFrame(frames, last_seq_ + 1, payload);
    ++last_seq_;
    segments_.back()->last_seq = last_seq_;
  }
  RENKEI_TRY_VOID(flush());
  return last_seq_;
}

base::Result<void> RecordLog::Sync() {
  std::vector<std::shared_ptr<Segment>> to_sync;
  bool directory = false;
  {
    std::lock_guard lock(mu_);
    to_sync.swap(unsynced_);
    directory = std::exchange(directory_unsynced_, false);
  }
  // fdatasync outside the lock: appends go on meanwhile. A segment closed by a later rotation
  // keeps its descriptor while it waits here (StartSegment leaves unsynced ones open).
  for (const auto& segment : to_sync) {
    if (::fdatasync(segment->fd) != 0) {
      const int error = errno;
      std::lock_guard lock(mu_);
      unsynced_.insert(unsynced_.end(), to_sync.begin(), to_sync.end());
      return IoFailure("fdatasync " + segment->path, error);
    }
  }
  if (directory) {
    auto synced = SyncPath(options_.dir, true);
    if (!synced) {
      std::lock_guard lock(mu_);
      directory_unsynced_ = true;
      return synced;
    }
  }
  std::lock_guard lock(mu_);
  for (const auto& segment : to_sync) {
    // A complete segment no longer needs its descriptor.
    if (segment != segments_.back() && segment->fd >= 0 &&
        std::find(unsynced_.begin(), unsynced_.end(), segment) == unsynced_.end()) {
      ::close(segment->fd);
      segment->fd = -1;
    }
  }
  return base::Ok();
}

base::Result<std::vector<LogRecord>> RecordLog::ReadAfter(std::uint64_t after) const {
  std::vector<std::pair<std::string, std::uint64_t>> wanted;  // path, first seq
  std::uint64_t last = 0;
  {
    std::lock_guard lock(mu_);
    for (const auto& segment : segments_) {
      if (segment->last_seq > after && segment->last_seq >= segment->first_seq) {
        wanted.emplace_back(segment->path, segment->first_seq);
      }
    }
    last = last_seq_;
  }
  std::vector<LogRecord> records;
  for (const auto& [path, first] : wanted) {
    RENKEI_TRY(std::string bytes, ReadWhole(path));
    ParsedSegment parsed = ParseFrames(bytes, first);
    for (auto& record : parsed.records) {
      if (record.seq > after && record.seq <= last) records.push_back(std::move(record));
    }
  }
  return records;
}

base::Result<void> RecordLog::DropThrough(std::uint64_t applied) {
  std::lock_guard lock(mu_);
  while (segments_.size() > 1 && segments_.front()->last_seq <= applied) {
    const auto& oldest = segments_.front();
    std::error_code error;
    fs::remove(oldest->path, error);
    if (error) return IoFailure("remove " + oldest->path, error.value());
    std::erase(unsynced_, oldest);
    segments_.erase(segments_.begin());
    directory_unsynced_ = true;
  }
  return base::Ok();
}

std::uint64_t RecordLog::LastSeq() const {
  std::lock_guard lock(mu_);
  return last_seq_;
}

std::size_t RecordLog::SegmentCount() const {
  std::lock_guard lock(mu_);
  return segments_.size();
}

}  // namespace renkei::store::sqlite
