// WalWriteBufferVfs: a SQLite VFS over the default one that gathers the writes of one commit
// to the WAL file into a single pwrite (docs/adr/0013-write-throughput.md, "WAL writes").
//
// SQLite writes every WAL frame as two calls (its 24-byte header, then the page), so a group
// commit of 200 dirty pages costs 400 system calls on the writer thread, each expensive on
// this virtualised machine. Through this VFS, writes that append to the WAL are kept in
// memory and written in one call when:
// - the commit frame (header field "database size after commit" non-zero, SQLite file
//   format §4.1) has been appended: a commit therefore reaches the file before COMMIT
//   returns, and its write error is COMMIT's error, exactly as without the buffer;
// - anything else touches the WAL file (a read, a write elsewhere, sync, truncate, size,
//   lock, close, the shared-memory barrier SQLite runs before publishing a commit to
//   readers), or the buffer holds buffer_limit bytes.
// So readers, the checkpointer and the WalSyncer (which fdatasyncs the WAL after COMMIT
// returned) never see a WAL file that lacks a frame SQLite believes written: durability and
// the kill -9 guarantee are those of the unbuffered file. Files other than the WAL pass
// through untouched. Only the writer connection opens the database through it.
#pragma once

#include <sqlite3.h>

#include <cstddef>
#include <memory>
#include <string>

#include "base/result.hpp"

namespace renkei::store::sqlite {

class WalWriteBufferVfs {
 public:
  // Registers the VFS (not as the default) under a name unique to this object; it must
  // outlive every connection opened through it.
  static base::Result<std::unique_ptr<WalWriteBufferVfs>> Register(
      std::size_t buffer_limit = std::size_t{8} << 20);
  ~WalWriteBufferVfs();
  WalWriteBufferVfs(const WalWriteBufferVfs&) = delete;
  WalWriteBufferVfs& operator=(const WalWriteBufferVfs&) = delete;

  const std::string& name() const { return name_; }
  std::size_t buffer_limit() const { return buffer_limit_; }
  sqlite3_vfs* base() const { return base_; }

 private:
  WalWriteBufferVfs(sqlite3_vfs* base, std::size_t buffer_limit);

  sqlite3_vfs* base_;
  std::size_t buffer_limit_;
  std::string name_;
  sqlite3_vfs vfs_{};
};

}  // namespace renkei::store::sqlite
