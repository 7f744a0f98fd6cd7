// RecordLog: a durable, append-only log of numbered records, the first part of option B of
// docs/adr/0013-write-throughput.md.
//
// Under option B a write unit is acknowledged once its records (the entity documents it
// wrote, its deletions, its journal rows) are in this log and synced. An applier copies them
// later into the database in large sorted batches, and then drops what it applied. This
// class knows nothing of entities. It stores opaque payloads, numbers them 1, 2, 3, … in
// append order, and gives them back after a crash.
//
// On disk: segment files `log-<first seq, 20 digits>.rlog` in one directory. A new segment
// starts when the current one would grow past `segment_bytes`. Each record is one frame:
//   u32 payload length | u32 CRC-32C of (seq, payload) | u64 seq | payload   (little endian)
// A crash in the middle of an append leaves a torn frame at the end of the last segment.
// Open cuts that tail off: it was never synced, so it was never acknowledged. A bad frame
// anywhere else means lost acknowledged data, and Open refuses to go on.
//
// One process at a time: Open takes an exclusive flock on `<dir>/LOCK`, held until the log is
// destroyed. A second Open of the directory (another process, or another RecordLog in this
// one) fails with the title kLogInUse instead of reading, and cutting, a tail that the owner
// is still appending.
//
// Thread-safety: every method may be called from any thread. Append and Sync may overlap:
// the fdatasync runs outside the lock, on the files appended to since the last sync.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace renkei::store::sqlite {

struct LogRecord {
  std::uint64_t seq = 0;
  std::string payload;
};

struct RecordLogOptions {
  std::string dir;                            // created when missing
  std::uint64_t segment_bytes = 64ull << 20;  // a segment holds at least one record
  // The number of the first record when the directory holds no segment yet. The store
  // passes the database's applied position + 1, so that a log directory that was removed
  // does not restart numbering below what the database already holds.
  std::uint64_t first_seq = 1;
};

// The error title of an Open whose directory another RecordLog holds.
inline constexpr const char* kLogInUse = "LogInUse";

class RecordLog {
 public:
  // The largest payload one record may carry.
  static constexpr std::uint32_t kMaxPayload = 64u << 20;

  // Opens the log in options.dir, creating the directory when missing. It reads every
  // segment to find the last sequence number and cuts off a torn tail.
  static base::Result<std::unique_ptr<RecordLog>> Open(const RecordLogOptions& options);
  ~RecordLog();
  RecordLog(const RecordLog&) = delete;
  RecordLog& operator=(const RecordLog&) = delete;

  // Appends the payloads as records numbered after LastSeq(), in order, and returns the
  // number of the last one (LastSeq() when `payloads` is empty). They are durable only after
  // a Sync that begins after this returns. A payload over kMaxPayload fails the whole call
  // before anything is written.
  base::Result<std::uint64_t> Append(const std::vector<std::string_view>& payloads);
  // Makes every record appended before the call durable: fdatasync of each segment written
  // since the last sync, and of the directory when a segment was created.
  base::Result<void> Sync();
  // The records numbered above `after`, in order.
  base::Result<std::vector<LogRecord>> ReadAfter(std::uint64_t after) const;
  // Deletes the segments whose records are all numbered `applied` or below, except the
  // current one. Their records must be in the database already.
  base::Result<void> DropThrough(std::uint64_t applied);

  std::uint64_t LastSeq() const;
  // Segment files on disk (for tests and metrics).
  std::size_t SegmentCount() const;

 private:
  struct Segment;
  explicit RecordLog(RecordLogOptions options);
  base::Result<void> Recover();
  base::Result<void> StartSegment(std::uint64_t first_seq);

  const RecordLogOptions options_;
  mutable std::mutex mu_;
  std::vector<std::shared_ptr<Segment>> segments_;  // in sequence order; last = current
  std::vector<std::shared_ptr<Segment>> unsynced_;  // written to since the last Sync
  bool directory_unsynced_ = false;                 // a segment was created since
  std::uint64_t last_seq_ = 0;
  int lock_fd_ = -1;  // <dir>/LOCK, flocked while the log is open
};

}  // namespace renkei::store::sqlite
