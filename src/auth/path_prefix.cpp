#include "auth/path_prefix.hpp"

#include <cctype>

namespace renkei::auth {
namespace {

base::Unexpected Bad(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidPolicy", std::move(detail));
}

}  // namespace

base::Result<std::string> NormalisePathPrefix(std::string_view prefix) {
  if (prefix.empty() || prefix.front() != '/') return Bad("must begin with /");
  if (prefix.size() > 1 && prefix.back() == '/') prefix.remove_suffix(1);
  if (prefix == "/") return std::string(prefix);
  std::size_t levels = 0;
  std::size_t start = 1;
  while (start <= prefix.size()) {
    std::size_t end = prefix.find('/', start);
    if (end == std::string_view::npos) end = prefix.size();
    const std::string_view component = prefix.substr(start, end - start);
    if (component.empty()) return Bad("has an empty component");
    if (component == "#") return Bad("cannot hold # (a prefix already covers its subtree)");
    if (component.size() > kMaxPrefixComponentLength) {
      return Bad("has a component longer than " + std::to_string(kMaxPrefixComponentLength) +
                 " bytes");
    }
    for (char c : component) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
        return Bad("has a character other than letters, digits, _ and /");
      }
    }
    if (++levels > kMaxPrefixLevels) {
      return Bad("has more than " + std::to_string(kMaxPrefixLevels) + " levels");
    }
    start = end + 1;
  }
  return std::string(prefix);
}

bool PathUnder(std::string_view prefix, std::string_view path) {
  if (prefix == "/") return true;
  // "/a" covers "/a" and "/a/..." but not "/ab".
  return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

}  // namespace renkei::auth
