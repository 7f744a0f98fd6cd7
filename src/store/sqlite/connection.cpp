#include "store/sqlite/connection.hpp"

#include <regex>

namespace renkei::store::sqlite {
namespace {

int ToInt(std::size_t n) { return static_cast<int>(n); }

// REGEXP(pattern, text): Orion matches idPattern/typePattern as an ECMAScript regex search
// anywhere in the string; std::regex with the same flags as the C++ evaluators keeps SQL and
// C++ results identical. The compiled pattern is cached per statement via auxdata so a
// query compiles it once, not once per row.
void RegexpFunction(sqlite3_context* ctx, int /*argc*/, sqlite3_value** argv) {
  if (sqlite3_value_type(argv[0]) == SQLITE_NULL || sqlite3_value_type(argv[1]) == SQLITE_NULL) {
    sqlite3_result_null(ctx);
    return;
  }
  auto* re = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
  if (re == nullptr) {
    const auto* pattern = reinterpret_cast<const char*>(sqlite3_value_text(argv[0]));
    try {
      auto compiled = std::make_unique<std::regex>(pattern, std::regex::ECMAScript);
      re = compiled.get();
      sqlite3_set_auxdata(ctx, 0, compiled.release(),
                          [](void* p) { delete static_cast<std::regex*>(p); });
      // SQLite may drop the auxdata at once; fetch again to know whether we still own it.
      re = static_cast<std::regex*>(sqlite3_get_auxdata(ctx, 0));
    } catch (const std::regex_error& e) {
      sqlite3_result_error(ctx, e.what(), -1);
      return;
    }
    if (re == nullptr) {
      // Not retained: match with a temporary compiled regex.
      try {
        std::regex temp(pattern, std::regex::ECMAScript);
        const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
        sqlite3_result_int(ctx, std::regex_search(text, temp) ? 1 : 0);
      } catch (const std::exception& e) {
        sqlite3_result_error(ctx, e.what(), -1);
      }
      return;
    }
  }
  const auto* text = reinterpret_cast<const char*>(sqlite3_value_text(argv[1]));
  auto size = static_cast<std::size_t>(sqlite3_value_bytes(argv[1]));
  try {
    sqlite3_result_int(ctx, std::regex_search(text, text + size, *re) ? 1 : 0);
  } catch (const std::exception& e) {
    // std::regex can throw error_complexity/error_stack on pathological input.
    sqlite3_result_error(ctx, e.what(), -1);
  }
}

}  // namespace

base::Unexpected SqliteFailure(sqlite3* db, std::string_view what) {
  std::string detail(what);
  if (db != nullptr) {
    detail += ": ";
    detail += sqlite3_errmsg(db);
  }
  return base::Fail(base::ErrorCode::kInternalError, "InternalError", std::move(detail));
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::Bind(int index, std::int64_t v) { sqlite3_bind_int64(stmt_, index, v); }
void Statement::Bind(int index, double v) { sqlite3_bind_double(stmt_, index, v); }
void Statement::Bind(int index, std::string_view v) {
  sqlite3_bind_text64(stmt_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
}
void Statement::BindNull(int index) { sqlite3_bind_null(stmt_, index); }

base::Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteFailure(sqlite3_db_handle(stmt_), "step");
}

base::Result<void> Statement::Run() {
  for (;;) {
    RENKEI_TRY(bool row, Step());
    if (!row) return base::Ok();
  }
}

std::int64_t Statement::ColumnInt(int col) const { return sqlite3_column_int64(stmt_, col); }
double Statement::ColumnDouble(int col) const { return sqlite3_column_double(stmt_, col); }
std::string_view Statement::ColumnText(int col) const {
  const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  if (p == nullptr) return {};
  return {p, static_cast<std::size_t>(sqlite3_column_bytes(stmt_, col))};
}
bool Statement::ColumnIsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

base::Result<std::unique_ptr<Connection>> Connection::Open(const std::string& path,
                                                           const ConnectionOptions& options) {
  sqlite3* db = nullptr;
  // NOMUTEX: each connection is used by one thread at a time (see header), so SQLite's
  // per-connection mutex is pure overhead.
  int flags =
      SQLITE_OPEN_NOMUTEX |
      (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
  int rc = sqlite3_open_v2(path.c_str(), &db, flags,
                           options.vfs.empty() ? nullptr : options.vfs.c_str());
  if (rc != SQLITE_OK) {
    auto failure = SqliteFailure(db, "open " + path);
    sqlite3_close_v2(db);
    return failure;
  }
  std::unique_ptr<Connection> conn(new Connection(db, options.statement_cache_size));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  if (sqlite3_create_function_v2(db, "regexp", 2, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nullptr,
                                 &RegexpFunction, nullptr, nullptr, nullptr) != SQLITE_OK) {
    return SqliteFailure(db, "register regexp");
  }
  RENKEI_TRY_VOID(conn->Exec("PRAGMA cache_size=-" + std::to_string(options.cache_size_kib)));
  // Temporary b-trees (ORDER BY, DISTINCT) in memory: they are small and short-lived.
  RENKEI_TRY_VOID(conn->Exec("PRAGMA temp_store=MEMORY"));
  return conn;
}

Connection::~Connection() {
  for (auto& c : lru_) sqlite3_finalize(c.stmt);
  sqlite3_close_v2(db_);
}

base::Result<void> Connection::Exec(std::string_view sql) {
  std::string text(sql);
  char* message = nullptr;
  if (sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    std::string detail = "exec '" + text + "': " + (message != nullptr ? message : "");
    sqlite3_free(message);
    return base::Fail(base::ErrorCode::kInternalError, "InternalError", std::move(detail));
  }
  return base::Ok();
}

base::Result<void> Connection::RunCached(const std::string& sql) {
  RENKEI_TRY(Statement * statement, Prepare(sql));
  StatementLease lease(*statement);
  return statement->Run();
}

base::Result<Statement*> Connection::Prepare(const std::string& sql) {
  if (auto it = by_sql_.find(sql); it != by_sql_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->wrapper.get();
  }
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v3(db_, sql.c_str(), ToInt(sql.size() + 1), SQLITE_PREPARE_PERSISTENT, &stmt,
                         nullptr) != SQLITE_OK) {
    return SqliteFailure(db_, "prepare '" + sql + "'");
  }
  lru_.push_front(CachedStatement{sql, stmt, std::make_unique<Statement>(stmt)});
  by_sql_[sql] = lru_.begin();
  while (lru_.size() > cache_size_) {
    auto& last = lru_.back();
    by_sql_.erase(last.sql);
    sqlite3_finalize(last.stmt);
    lru_.pop_back();
  }
  return lru_.front().wrapper.get();
}

}  // namespace renkei::store::sqlite
