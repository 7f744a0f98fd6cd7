#include "notify/expression/values.hpp"

#include <cmath>

#include "core/json_text.hpp"
#include "notify/expression/limits.hpp"

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

constexpr double kMaxExactInteger = 9007199254740992.0;  // 2^53

// Adds the size of `v` to `total`; false as soon as it passes the limit.
bool AddSize(const json::value& v, std::size_t& total) {
  total += 8;
  if (v.is_string()) {
    total += v.get_string().size();
  } else if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      if (!AddSize(item, total)) return false;
    }
  } else if (v.is_object()) {
    for (const auto& [key, item] : v.get_object()) {
      total += key.size();
      if (!AddSize(item, total)) return false;
    }
  }
  return total <= kMaxValueBytes;
}

}  // namespace

bool IsTruthy(const Value& v) {
  if (!v) return false;
  if (v->is_bool()) return v->get_bool();
  if (v->is_null()) return false;
  if (v->is_string()) return !v->get_string().empty();
  if (auto d = AsNumber(*v)) return *d != 0.0 && !std::isnan(*d);
  return true;
}

bool Equal(const json::value& a, const json::value& b) {
  const auto na = AsNumber(a);
  const auto nb = AsNumber(b);
  if (na || nb) return na && nb && *na == *nb;
  if (a.kind() != b.kind()) return false;
  if (a.is_array()) {
    const auto& x = a.get_array();
    const auto& y = b.get_array();
    if (x.size() != y.size()) return false;
    for (std::size_t i = 0; i < x.size(); ++i) {
      if (!Equal(x[i], y[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    const auto& x = a.get_object();
    const auto& y = b.get_object();
    if (x.size() != y.size()) return false;
    for (const auto& [key, item] : x) {
      const auto* other = y.if_contains(key);
      if (other == nullptr || !Equal(item, *other)) return false;
    }
    return true;
  }
  return a == b;
}

std::optional<double> AsNumber(const json::value& v) {
  if (v.is_double()) return v.get_double();
  if (v.is_int64()) return static_cast<double>(v.get_int64());
  if (v.is_uint64()) return static_cast<double>(v.get_uint64());
  return std::nullopt;
}

base::Result<json::value> FromNumber(double d) {
  if (!std::isfinite(d)) return EvalError("the result is not a finite number");
  if (d == std::floor(d) && std::fabs(d) <= kMaxExactInteger) {
    return json::value(static_cast<std::int64_t>(d));
  }
  return json::value(d);
}

json::value Normalize(json::value v) {
  if (v.is_double()) {
    auto n = FromNumber(v.get_double());
    return n ? std::move(*n) : json::value(nullptr);
  }
  if (v.is_array()) {
    for (auto& item : v.get_array()) item = Normalize(std::move(item));
  } else if (v.is_object()) {
    for (auto& [key, item] : v.get_object()) item = Normalize(std::move(item));
  }
  return v;
}

base::Result<void> CheckSize(const json::value& v) {
  std::size_t total = 0;
  if (!AddSize(v, total)) {
    return EvalError("value larger than " + std::to_string(kMaxValueBytes) + " bytes");
  }
  return base::Ok();
}

std::string ToText(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  return core::ToJsonText(Normalize(v), core::NumberStyle::kNineDecimals);
}

base::Unexpected EvalError(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

}  // namespace renkei::notify::expression
