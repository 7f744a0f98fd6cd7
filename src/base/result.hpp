// Result<T>: a value or an Error, shaped like C++23 std::expected so we can switch to it.
// Result<void> carries only success or an Error.
#pragma once

#include <cassert>
#include <utility>
#include <variant>

#include "base/error.hpp"

namespace renkei::base {

struct Unexpected {
  Error error;
};

inline Unexpected Fail(Error e) { return Unexpected{std::move(e)}; }
inline Unexpected Fail(ErrorCode code, std::string title, std::string detail) {
  return Unexpected{Error{code, std::move(title), std::move(detail)}};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::in_place_index<0>, std::move(value)) {}         // NOLINT
  Result(Unexpected u) : data_(std::in_place_index<1>, std::move(u.error)) {}  // NOLINT
  // An Error is a failed result too, so helpers that build Errors serve both replies and
  // Result-returning functions.
  Result(Error e) : data_(std::in_place_index<1>, std::move(e)) {}  // NOLINT

  bool has_value() const { return data_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & {
    assert(has_value());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(has_value());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(has_value());
    return std::get<0>(std::move(data_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const {
    assert(!has_value());
    return std::get<1>(data_);
  }
  Error& error() {
    assert(!has_value());
    return std::get<1>(data_);
  }

 private:
  std::variant<T, Error> data_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Unexpected u) : error_(std::move(u.error)), ok_(false) {}  // NOLINT
  Result(Error e) : error_(std::move(e)), ok_(false) {}             // NOLINT

  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }
  Error& error() {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

inline Result<void> Ok() { return {}; }

}  // namespace renkei::base

// RENKEI_TRY(var, expr): evaluate a Result-returning expression, return its error upward.
#define RENKEI_TRY_CONCAT_INNER(a, b) a##b
#define RENKEI_TRY_CONCAT(a, b) RENKEI_TRY_CONCAT_INNER(a, b)
#define RENKEI_TRY(var, expr)                                         \
  auto RENKEI_TRY_CONCAT(renkei_try_, __LINE__) = (expr);             \
  if (!RENKEI_TRY_CONCAT(renkei_try_, __LINE__)) {                    \
    return ::renkei::base::Unexpected{                                \
        std::move(RENKEI_TRY_CONCAT(renkei_try_, __LINE__).error())}; \
  }                                                                   \
  var = std::move(RENKEI_TRY_CONCAT(renkei_try_, __LINE__).value())
#define RENKEI_TRY_VOID(expr)                                                 \
  do {                                                                        \
    auto renkei_try_void_ = (expr);                                           \
    if (!renkei_try_void_) {                                                  \
      return ::renkei::base::Unexpected{std::move(renkei_try_void_.error())}; \
    }                                                                         \
  } while (false)
