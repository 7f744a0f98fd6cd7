// Personal data types of a tenant (issue 5 item 4, docs/security.md "Personal data and
// consent"): the stored type names whose entities belong to a resident (their `owner`), each
// with the 当人認証レベル (assurance level, 0–3) a caller's credential must reach to read
// them. Declared in the tenant's policy document ("personalTypes") and, for compatibility,
// listed in the config (`personal_types`, level 1); Authenticator::PersonalTypesFor merges
// both, the one answer to "is this type personal in this tenant, at which level".
// Pure, thread-safe.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace renkei::auth {

inline constexpr int kMinAssuranceLevel = 0;
inline constexpr int kMaxAssuranceLevel = 3;
// What a personal type needs when its declaration names no level: a real login (level 1),
// as all four Wakayama towns offer today (issue 5 "Why").
inline constexpr int kDefaultPersonalAssuranceLevel = 1;

struct PersonalTypes {
  std::map<std::string, int, std::less<>> levels;  // stored type name → assurance level

  bool empty() const { return levels.empty(); }
  // The level `type` needs; nullopt when it is not personal.
  std::optional<int> LevelOf(std::string_view type) const {
    const auto found = levels.find(type);
    if (found == levels.end()) return std::nullopt;
    return found->second;
  }
  // Whether any of an entity's types is personal.
  bool AnyPersonal(const std::vector<std::string>& types) const {
    for (const auto& type : types) {
      if (levels.contains(type)) return true;
    }
    return false;
  }
  // Adds `type` at `level`; a type declared twice keeps the higher level.
  void Declare(std::string_view type, int level) {
    auto [it, added] = levels.emplace(std::string(type), level);
    if (!added && it->second < level) it->second = level;
  }
};

}  // namespace renkei::auth
