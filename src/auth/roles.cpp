#include "auth/roles.hpp"

#include <algorithm>
#include <cctype>

namespace renkei::auth {

bool IsValidRoleName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.' ||
           c == ':';
  });
}

}  // namespace renkei::auth
