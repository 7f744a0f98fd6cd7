#include "store/sqlite/change_tracker.hpp"

namespace renkei::store::sqlite {

bool ChangeTracker::Tracks(const std::string& id) {
  if (!journal_) return false;
  if (!may_notify_) return true;
  auto it = tracked_.find(id);
  if (it == tracked_.end()) it = tracked_.emplace(id, may_notify_(tenant_, id)).first;
  return it->second;
}

void ChangeTracker::NoteRead(const core::Entity& found) {
  if (Tracks(found.id)) before_.try_emplace(KeyOf(found), found);
}

void ChangeTracker::NoteAbsent(const std::vector<std::string>& ids,
                               const std::set<std::string_view>& seen,
                               const std::string& service_path) {
  if (!journal_) return;
  for (const auto& id : ids) {
    if (!seen.contains(id)) absent_.emplace(id, service_path);
  }
}

base::Result<void> ChangeTracker::RememberBefore(const Key& key, const ReadKey& read) {
  if (before_.contains(key)) return base::Ok();
  const auto& [id, type, path] = key;
  if (absent_.contains({id, path})) {
    before_.emplace(key, std::nullopt);
    return base::Ok();
  }
  RENKEI_TRY(std::optional<core::Entity> stored, read(key));
  before_.emplace(key, std::move(stored));
  return base::Ok();
}

void ChangeTracker::Touch(const Key& key, std::optional<core::Entity> after) {
  if (after_.insert_or_assign(key, std::move(after)).second) written_.push_back(key);
}

std::vector<ChangeTracker::Change> ChangeTracker::Changes() const {
  std::vector<Change> out;
  for (const auto& key : written_) {
    const auto& before = before_.at(key);
    const auto& after = after_.at(key);
    // Under forcedUpdate an entity written unchanged (within the same millisecond, even its
    // modification time) is journaled all the same: it must notify.
    if (before == after && !forced_update_) continue;
    out.push_back(Change{&before, &after});
  }
  return out;
}

}  // namespace renkei::store::sqlite
