// Error helpers of the store's threads: an internal error, not found, and Guarded, which keeps an
// exception (std::regex, allocation, a WriteUnit's own code) from unwinding through SQLite
// or killing the writer, sequencer or applier thread.
#pragma once

#include <exception>
#include <string>

#include "base/result.hpp"

namespace renkei::store::sqlite {

inline base::Unexpected Internal(std::string detail) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError", std::move(detail));
}

// An erase of a key that holds no entity (Orion's text).
inline base::Unexpected EntityNotFound() {
  return base::Fail(base::ErrorCode::kResourceNotFound, "NotFound",
                    "The requested entity has not been found. Check type and id");
}

// Runs `f`, turning an escaping exception into an error.
template <typename F>
auto Guarded(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const std::exception& e) {
    return Internal(std::string("unexpected exception: ") + e.what());
  } catch (...) {
    return Internal("unexpected exception");
  }
}

}  // namespace renkei::store::sqlite
