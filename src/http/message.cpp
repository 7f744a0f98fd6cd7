#include "http/message.hpp"

#include <strings.h>

namespace renkei::http {

namespace {

bool NameIs(std::string_view field, std::string_view name) {
  return field.size() == name.size() && ::strncasecmp(field.data(), name.data(), name.size()) == 0;
}

}  // namespace

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [k, v] : headers) {
    if (NameIs(k, name)) return std::string_view(v);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Header(std::string_view name) const {
  for (auto it = headers.rbegin(); it != headers.rend(); ++it) {
    if (NameIs(it->first, name)) return std::string_view(it->second);
  }
  return std::nullopt;
}

std::optional<std::string_view> Request::Param(std::string_view name) const {
  for (const auto& [k, v] : query) {
    if (k == name) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace renkei::http
