#include "store/sqlite/change_tracker.hpp"

#include <algorithm>

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

void ChangeTracker::NoteWritten(const Key& key, const std::vector<std::string>& names) {
  if (!Tracks(std::get<0>(key))) return;
  auto& noted = written_attributes_[key];
  for (const auto& name : names) {
    if (std::find(noted.begin(), noted.end(), name) == noted.end()) noted.push_back(name);
  }
}

std::vector<ChangeTracker::Change> ChangeTracker::Changes() const {
  std::vector<Change> out;
  for (const auto& key : written_) {
    const auto& before = before_.at(key);
    const auto& after = after_.at(key);
    const auto noted = written_attributes_.find(key);
    const std::vector<std::string>* written =
        noted == written_attributes_.end() ? nullptr : &noted->second;
    // An entity written unchanged (within the same millisecond, even its modification time)
    // is journaled all the same when the request wrote attributes of it (an entityUpdate
    // subscription fires) or under forcedUpdate (every subscription may).
    if (before == after && !forced_update_ && (written == nullptr || written->empty())) continue;
    out.push_back(Change{&before, &after, written});
  }
  return out;
}

}  // namespace renkei::store::sqlite
