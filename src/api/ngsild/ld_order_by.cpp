#include "api/ngsild/ld_order_by.hpp"

#include <algorithm>

namespace renkei::api::ngsild {
namespace {

base::Unexpected Bad(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData",
                    "orderBy: " + std::move(detail));
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  while (true) {
    const auto at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

bool IsAttributeTime(std::string_view member) {
  return member == store::OrderKey::kMemberCreatedAt ||
         member == store::OrderKey::kMemberModifiedAt ||
         member == store::OrderKey::kMemberObservedAt;
}

}  // namespace

base::Result<std::vector<store::OrderKey>> ParseLdOrderBy(
    std::string_view text, const std::function<std::string(std::string_view)>& expand) {
  using Field = store::OrderKey::Field;
  std::vector<store::OrderKey> keys;
  for (std::string_view item : Split(text, ',')) {
    const auto parts = Split(item, ';');
    if (parts.size() > 2) return Bad("'" + std::string(item) + "' has more than one direction");
    store::OrderKey key;
    if (parts.size() == 2) {
      if (parts[1] != "asc" && parts[1] != "desc") {
        return Bad("the direction must be asc or desc, not '" + std::string(parts[1]) + "'");
      }
      key.descending = parts[1] == "desc";
    }
    const auto path = Split(parts[0], '.');
    if (std::any_of(path.begin(), path.end(), [](std::string_view p) { return p.empty(); })) {
      return Bad("empty member in '" + std::string(item) + "'");
    }
    if (path.size() > 2) return Bad("'" + std::string(parts[0]) + "' is deeper than attr.member");
    const std::string_view head = path[0];
    if (path.size() == 1 && head == "id") {
      key.field = Field::kId;
    } else if (path.size() == 1 && head == "type") {
      key.field = Field::kType;
    } else if (path.size() == 1 && head == "createdAt") {
      key.field = Field::kDateCreated;
    } else if (path.size() == 1 && head == "modifiedAt") {
      key.field = Field::kDateModified;
    } else {
      key.field = Field::kAttribute;
      key.attribute = expand(head);
      if (path.size() == 2) {
        key.member = IsAttributeTime(path[1]) ? std::string(path[1]) : expand(path[1]);
      }
    }
    keys.push_back(std::move(key));
  }
  return keys;
}

}  // namespace renkei::api::ngsild
