// Reading and writing the members of stored subscription documents (subscription_codec.cpp,
// ld_subscription.cpp): accessors that tolerate a missing member, since encoders leave
// defaults out. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <boost/json/object.hpp>

namespace renkei::notify::json_members {

inline boost::json::object Pairs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  boost::json::object out;
  for (const auto& [k, v] : pairs) out[k] = v;
  return out;
}

// "" when absent or not a string.
inline std::string Str(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
}

inline std::optional<std::string> OptStr(const boost::json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

}  // namespace renkei::notify::json_members
