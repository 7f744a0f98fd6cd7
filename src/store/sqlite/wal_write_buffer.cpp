#include "store/sqlite/wal_write_buffer.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <sstream>
#include <string>
#include <vector>

namespace renkei::store::sqlite {
namespace {

// SQLite's file format (https://www.sqlite.org/fileformat2.html §4.1): a WAL frame header is
// 24 bytes; bytes 4-7 hold the database size after a commit, non-zero only in the last frame
// of a transaction.
constexpr int kFrameHeaderBytes = 24;
bool IsCommitFrameHeader(const void* data, int amount) {
  if (amount != kFrameHeaderBytes) return false;
  const auto* bytes = static_cast<const unsigned char*>(data);
  return (bytes[4] | bytes[5] | bytes[6] | bytes[7]) != 0;
}

// The unix VFS writes at most 128 KiB per call (os_unix.c seekAndWriteFd masks the length
// with 0x1ffff: it expects page-sized writes); the buffer goes out in pieces of 64 KiB, 16
// frames of 4 KiB pages per system call instead of two calls per frame.
constexpr std::size_t kMaxWrite = 64 * 1024;

// What this VFS keeps per open file; the base VFS's own file object follows it in the same
// allocation (szOsFile covers both).
struct BufferedFile {
  sqlite3_file file;  // first: SQLite sees this; pMethods points at kMethods
  sqlite3_file* real;
  const WalWriteBufferVfs* vfs;
  std::vector<BufferedFile*>* wal_files;  // the VFS's open WAL files (shared-memory barrier)
  std::mutex* wal_files_mu;
  bool is_wal;
  // WAL files only: the appended bytes not written yet, from buffer_offset on.
  std::string* buffer;
  sqlite3_int64 buffer_offset;
  sqlite3_int64 expected_end;  // where the last write ended: the next append starts there
  bool commit_header_buffered;
};

constexpr std::size_t RealOffset() {
  return (sizeof(BufferedFile) + alignof(std::max_align_t) - 1) / alignof(std::max_align_t) *
         alignof(std::max_align_t);
}

BufferedFile* Of(sqlite3_file* f) { return reinterpret_cast<BufferedFile*>(f); }
sqlite3_file* Real(sqlite3_file* f) { return Of(f)->real; }

// Writes what the buffer holds; the buffer is empty afterwards whatever the outcome (a
// failed write is reported to the SQLite call that caused the flush, which then fails).
int Flush(BufferedFile* f) {
  f->commit_header_buffered = false;
  if (f->buffer == nullptr || f->buffer->empty()) return SQLITE_OK;
  int rc = SQLITE_OK;
  for (std::size_t done = 0; done < f->buffer->size() && rc == SQLITE_OK; done += kMaxWrite) {
    const std::size_t amount = std::min(kMaxWrite, f->buffer->size() - done);
    rc = f->real->pMethods->xWrite(f->real, f->buffer->data() + done, static_cast<int>(amount),
                                   f->buffer_offset + static_cast<sqlite3_int64>(done));
  }
  f->buffer->clear();
  return rc;
}

int Close(sqlite3_file* file) {
  BufferedFile* f = Of(file);
  int flushed = Flush(f);
  if (f->is_wal) {
    std::lock_guard lock(*f->wal_files_mu);
    std::erase(*f->wal_files, f);
  }
  delete f->buffer;
  f->buffer = nullptr;
  int rc = f->real->pMethods->xClose(f->real);
  return flushed != SQLITE_OK ? flushed : rc;
}

int Read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  if (int rc = Flush(Of(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xRead(Real(file), data, amount, offset);
}

int Write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  BufferedFile* f = Of(file);
  if (!f->is_wal) return f->real->pMethods->xWrite(f->real, data, amount, offset);
  const bool appends = offset == f->expected_end;
  f->expected_end = offset + amount;
  if (!appends) {
    // A write elsewhere (the WAL header after a rewind, checksums rewritten in place):
    // what is buffered goes first, then this write as it is.
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
    return f->real->pMethods->xWrite(f->real, data, amount, offset);
  }
  // The page after a commit frame's header ends the transaction's frames.
  const bool ends_commit = f->commit_header_buffered;
  const bool commit_header = IsCommitFrameHeader(data, amount);
  if (f->buffer->empty()) f->buffer_offset = offset;
  f->buffer->append(static_cast<const char*>(data), static_cast<std::size_t>(amount));
  if (ends_commit || f->buffer->size() >= f->vfs->buffer_limit()) {
    if (int rc = Flush(f); rc != SQLITE_OK) return rc;
  }
  f->commit_header_buffered = commit_header;
  return SQLITE_OK;
}

int Truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = Flush(Of(file)); rc != SQLITE_OK) return rc;
  Of(file)->expected_end = -1;
  return Real(file)->pMethods->xTruncate(Real(file), size);
}

int Sync(sqlite3_file* file, int flags) {
  if (int rc = Flush(Of(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xSync(Real(file), flags);
}

int FileSize(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = Flush(Of(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xFileSize(Real(file), size);
}

int Lock(sqlite3_file* file, int level) { return Real(file)->pMethods->xLock(Real(file), level); }
int Unlock(sqlite3_file* file, int level) {
  return Real(file)->pMethods->xUnlock(Real(file), level);
}
int CheckReservedLock(sqlite3_file* file, int* out) {
  return Real(file)->pMethods->xCheckReservedLock(Real(file), out);
}
int FileControl(sqlite3_file* file, int op, void* arg) {
  if (int rc = Flush(Of(file)); rc != SQLITE_OK) return rc;
  return Real(file)->pMethods->xFileControl(Real(file), op, arg);
}
int SectorSize(sqlite3_file* file) { return Real(file)->pMethods->xSectorSize(Real(file)); }
int DeviceCharacteristics(sqlite3_file* file) {
  return Real(file)->pMethods->xDeviceCharacteristics(Real(file));
}
int ShmMap(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return Real(file)->pMethods->xShmMap(Real(file), region, size, extend, out);
}
int ShmLock(sqlite3_file* file, int offset, int n, int flags) {
  return Real(file)->pMethods->xShmLock(Real(file), offset, n, flags);
}
// Called on the database file before SQLite publishes new WAL frames to readers (wal.c
// walIndexHdrWrite): the frames must be in the WAL file by then. The commit-frame rule has
// flushed them already; this is the guarantee should a commit end otherwise.
void ShmBarrier(sqlite3_file* file) {
  BufferedFile* f = Of(file);
  {
    std::lock_guard lock(*f->wal_files_mu);
    for (BufferedFile* wal : *f->wal_files) (void)Flush(wal);
  }
  Real(file)->pMethods->xShmBarrier(Real(file));
}
int ShmUnmap(sqlite3_file* file, int delete_flag) {
  return Real(file)->pMethods->xShmUnmap(Real(file), delete_flag);
}
int Fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  return Real(file)->pMethods->xFetch(Real(file), offset, amount, out);
}
int Unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return Real(file)->pMethods->xUnfetch(Real(file), offset, page);
}

constexpr sqlite3_io_methods kMethods = {3,
                                         Close,
                                         Read,
                                         Write,
                                         Truncate,
                                         Sync,
                                         FileSize,
                                         Lock,
                                         Unlock,
                                         CheckReservedLock,
                                         FileControl,
                                         SectorSize,
                                         DeviceCharacteristics,
                                         ShmMap,
                                         ShmLock,
                                         ShmBarrier,
                                         ShmUnmap,
                                         Fetch,
                                         Unfetch};

// The VFS object's own state, reached through sqlite3_vfs::pAppData.
struct VfsState {
  const WalWriteBufferVfs* owner;
  std::mutex wal_files_mu;
  std::vector<BufferedFile*> wal_files;
};

int Open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  auto* state = static_cast<VfsState*>(vfs->pAppData);
  sqlite3_vfs* base = state->owner->base();
  BufferedFile* f = Of(file);
  f->file.pMethods = nullptr;
  f->real = reinterpret_cast<sqlite3_file*>(reinterpret_cast<char*>(file) + RealOffset());
  int rc = base->xOpen(base, name, f->real, flags, out_flags);
  if (rc != SQLITE_OK) return rc;
  // The base VFS's files speak version 3 (unix: shared memory and mmap); a file that does
  // not could not take the calls passed through.
  if (f->real->pMethods == nullptr || f->real->pMethods->iVersion < 3) {
    if (f->real->pMethods != nullptr) f->real->pMethods->xClose(f->real);
    return SQLITE_CANTOPEN;
  }
  f->vfs = state->owner;
  f->wal_files = &state->wal_files;
  f->wal_files_mu = &state->wal_files_mu;
  f->is_wal = (flags & SQLITE_OPEN_WAL) != 0;
  f->buffer = nullptr;
  f->buffer_offset = 0;
  f->expected_end = -1;
  f->commit_header_buffered = false;
  if (f->is_wal) {
    f->buffer = new (std::nothrow) std::string();
    if (f->buffer == nullptr) {
      f->real->pMethods->xClose(f->real);
      return SQLITE_NOMEM;
    }
    std::lock_guard lock(state->wal_files_mu);
    state->wal_files.push_back(f);
  }
  f->file.pMethods = &kMethods;
  return SQLITE_OK;
}

// Everything but opening files is the base VFS's.
sqlite3_vfs* BaseOf(sqlite3_vfs* vfs) {
  return static_cast<VfsState*>(vfs->pAppData)->owner->base();
}
int Delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return BaseOf(vfs)->xDelete(BaseOf(vfs), name, sync_dir);
}
int Access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return BaseOf(vfs)->xAccess(BaseOf(vfs), name, flags, out);
}
int FullPathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return BaseOf(vfs)->xFullPathname(BaseOf(vfs), name, size, out);
}
void* DlOpen(sqlite3_vfs* vfs, const char* name) { return BaseOf(vfs)->xDlOpen(BaseOf(vfs), name); }
void DlError(sqlite3_vfs* vfs, int size, char* out) {
  BaseOf(vfs)->xDlError(BaseOf(vfs), size, out);
}
void (*DlSym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return BaseOf(vfs)->xDlSym(BaseOf(vfs), handle, symbol);
}
void DlClose(sqlite3_vfs* vfs, void* handle) { BaseOf(vfs)->xDlClose(BaseOf(vfs), handle); }
int Randomness(sqlite3_vfs* vfs, int size, char* out) {
  return BaseOf(vfs)->xRandomness(BaseOf(vfs), size, out);
}
int Sleep(sqlite3_vfs* vfs, int micros) { return BaseOf(vfs)->xSleep(BaseOf(vfs), micros); }
int CurrentTime(sqlite3_vfs* vfs, double* out) {
  return BaseOf(vfs)->xCurrentTime(BaseOf(vfs), out);
}
int GetLastError(sqlite3_vfs* vfs, int size, char* out) {
  return BaseOf(vfs)->xGetLastError(BaseOf(vfs), size, out);
}
int CurrentTimeInt64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return BaseOf(vfs)->xCurrentTimeInt64(BaseOf(vfs), out);
}

}  // namespace

WalWriteBufferVfs::WalWriteBufferVfs(sqlite3_vfs* base, std::size_t buffer_limit)
    : base_(base), buffer_limit_(buffer_limit) {
  std::ostringstream name;
  name << "renkei-walbuf-" << static_cast<const void*>(this);
  name_ = name.str();
}

base::Result<std::unique_ptr<WalWriteBufferVfs>> WalWriteBufferVfs::Register(
    std::size_t buffer_limit) {
  sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
  if (base == nullptr || base->iVersion < 2) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "no SQLite default VFS of version 2 or later to wrap");
  }
  std::unique_ptr<WalWriteBufferVfs> vfs(new WalWriteBufferVfs(base, buffer_limit));
  auto* state = new VfsState{vfs.get(), {}, {}};
  vfs->vfs_ = sqlite3_vfs{2,
                          static_cast<int>(RealOffset()) + base->szOsFile,
                          base->mxPathname,
                          nullptr,
                          vfs->name_.c_str(),
                          state,
                          Open,
                          Delete,
                          Access,
                          FullPathname,
                          DlOpen,
                          DlError,
                          DlSym,
                          DlClose,
                          Randomness,
                          Sleep,
                          CurrentTime,
                          GetLastError,
                          CurrentTimeInt64,
                          nullptr,
                          nullptr,
                          nullptr};
  if (int rc = sqlite3_vfs_register(&vfs->vfs_, 0); rc != SQLITE_OK) {
    delete state;
    vfs->vfs_.pAppData = nullptr;
    return base::Fail(
        base::ErrorCode::kInternalError, "InternalError",
        std::string("cannot register the WAL write buffer VFS: ") + sqlite3_errstr(rc));
  }
  return vfs;
}

WalWriteBufferVfs::~WalWriteBufferVfs() {
  if (vfs_.pAppData == nullptr) return;
  sqlite3_vfs_unregister(&vfs_);
  delete static_cast<VfsState*>(vfs_.pAppData);
}

}  // namespace renkei::store::sqlite
