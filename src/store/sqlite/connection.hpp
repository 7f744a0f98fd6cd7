// Thin RAII layer over the SQLite C API: a Connection owns one sqlite3 handle and a cache
// of prepared statements keyed by SQL text; a Statement binds, steps and reads columns.
// Every SQLite failure becomes a base::Error with kInternalError (the message names the
// operation and SQLite's text). A Connection is used by one thread at a time (the writer,
// or a reader that checked it out of the pool); it is not thread-safe itself.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <list>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/result.hpp"

namespace renkei::store::sqlite {

base::Unexpected SqliteFailure(sqlite3* db, std::string_view what);

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  // Clears bindings and resets the cursor so the cached statement can be reused.
  void Reset();

  void Bind(int index, std::int64_t v);
  void Bind(int index, double v);
  void Bind(int index, std::string_view v);
  void BindNull(int index);

  // Runs one step: true when a row is available, false when done.
  base::Result<bool> Step();
  // Steps until done (for statements without rows).
  base::Result<void> Run();

  std::int64_t ColumnInt(int col) const;
  double ColumnDouble(int col) const;
  std::string_view ColumnText(int col) const;
  bool ColumnIsNull(int col) const;

 private:
  sqlite3_stmt* stmt_;
};

// Resets a cached statement when it goes out of scope, so an early return on error never
// leaves a read transaction open on a reader connection.
class StatementLease {
 public:
  explicit StatementLease(Statement& s) : s_(&s) {}
  StatementLease(const StatementLease&) = delete;
  StatementLease& operator=(const StatementLease&) = delete;
  ~StatementLease() { s_->Reset(); }
  Statement* operator->() { return s_; }
  Statement& operator*() { return *s_; }

 private:
  Statement* s_;
};

struct ConnectionOptions {
  bool read_only = false;
  int busy_timeout_ms = 5000;
  int cache_size_kib = 8192;
  std::size_t statement_cache_size = 64;
  // A registered SQLite VFS to open the file through; empty: the default one.
  std::string vfs;
};

class Connection {
 public:
  static base::Result<std::unique_ptr<Connection>> Open(const std::string& path,
                                                        const ConnectionOptions& options);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Executes one or more statements without results (DDL, PRAGMA, BEGIN/COMMIT).
  base::Result<void> Exec(std::string_view sql);
  // A prepared statement for `sql`, prepared once and cached (least recently used evicted).
  // The returned reference stays valid until this statement is evicted, i.e. until more
  // than statement_cache_size other statements have been prepared after it.
  base::Result<Statement*> Prepare(const std::string& sql);
  // Runs one statement without results through the statement cache: for the transaction
  // control a writer repeats per unit (SAVEPOINT, RELEASE), which Exec would parse anew
  // every time.
  base::Result<void> RunCached(const std::string& sql);

  sqlite3* handle() { return db_; }
  std::int64_t LastChanges() { return sqlite3_changes64(db_); }
  // The row id the last successful INSERT on this connection gave its row. Cheaper than
  // `RETURNING`, which makes SQLite open, fill and close an ephemeral table per execution
  // (4–8% of an import's applier, bench/opendata_import.py).
  std::int64_t LastInsertRowid() { return sqlite3_last_insert_rowid(db_); }

 private:
  struct CachedStatement {
    std::string sql;
    sqlite3_stmt* stmt;
    std::unique_ptr<Statement> wrapper;
  };
  explicit Connection(sqlite3* db, std::size_t cache_size) : db_(db), cache_size_(cache_size) {}

  sqlite3* db_;
  std::size_t cache_size_;
  std::list<CachedStatement> lru_;  // front: most recently used
  std::unordered_map<std::string, std::list<CachedStatement>::iterator> by_sql_;
};

}  // namespace renkei::store::sqlite
