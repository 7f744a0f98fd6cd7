// Which top-level attribute names of a tenant have rows in the attribute-value index
// (attr_index), docs/adr/0018-value-index-on-demand.md.
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <string_view>

namespace renkei::store::sqlite {

// What the store indexes: every attribute name (each write pays one attr_index row and one
// value-index entry per attribute), or the names queries have asked for (the write path pays
// only for those; the first query on a name is answered by filtering documents while its
// index is built in the background).
enum class ValueIndexPolicy { kAll, kOnDemand };

// The attribute names a writer gives attr_index rows: all of them, or `owner` (the personal
// data rule reads it through attr_index, sql_where.cpp AddPersonalRestriction) and a set.
class IndexedNames {
 public:
  using Names = std::set<std::string, std::less<>>;
  static IndexedNames All() { return IndexedNames(nullptr); }
  static IndexedNames Only(std::shared_ptr<const Names> names) {
    return IndexedNames(names != nullptr ? std::move(names) : std::make_shared<const Names>());
  }
  bool Contains(std::string_view name) const {
    return names_ == nullptr || name == kOwner || names_->contains(name);
  }
  bool all() const { return names_ == nullptr; }

  static constexpr std::string_view kOwner = "owner";

 private:
  explicit IndexedNames(std::shared_ptr<const Names> names) : names_(std::move(names)) {}
  std::shared_ptr<const Names> names_;  // null: every name
};

}  // namespace renkei::store::sqlite
