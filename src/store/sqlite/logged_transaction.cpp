#include "store/sqlite/logged_transaction.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "store/sqlite/bulk_lookup.hpp"
#include "store/sqlite/guarded.hpp"
#include "store/sqlite/query_runner.hpp"

namespace renkei::store::sqlite {
namespace {

// Own writes come after every overlay entry when new keys are ordered.
constexpr std::uint64_t kOwnSeq = std::numeric_limits<std::uint64_t>::max() / 2;

}  // namespace

LoggedTransaction::LoggedTransaction(Connection& reader, std::optional<std::int64_t> tenant_id,
                                     const std::string& tenant, const EntityOverlay& overlay,
                                     bool journal, const JournalFilter& may_notify)
    : reader_(reader),
      tenant_id_(tenant_id),
      tenant_(tenant),
      overlay_(overlay),
      changes_(journal, tenant, may_notify) {}

std::vector<OverlayEntry> LoggedTransaction::EntriesOf(const std::string& id) const {
  std::vector<OverlayEntry> entries = overlay_.Lookup(tenant_, id);
  for (auto it = own_.lower_bound(ChangeTracker::Key{id, "", ""});
       it != own_.end() && std::get<0>(it->first) == id; ++it) {
    const auto& [own_id, type, path] = it->first;
    auto same = std::find_if(entries.begin(), entries.end(), [&](const OverlayEntry& e) {
      return e.type == type && e.service_path == path;
    });
    if (same == entries.end()) {
      entries.push_back(OverlayEntry{own_id, type, path, it->second.entity,
                                     kOwnSeq + static_cast<std::uint64_t>(it->second.order), 0});
    } else {
      same->entity = it->second.entity;
    }
  }
  return entries;
}

base::Result<std::vector<core::Entity>> LoggedTransaction::FindById(
    const std::string& id, const std::optional<std::string>& type, const ServicePathScope& scope,
    std::size_t limit) {
  std::vector<OverlayEntry> entries = EntriesOf(id);
  std::vector<core::Entity> stored;
  if (tenant_id_ && limit > 0) {
    const std::size_t wanted = limit > std::numeric_limits<std::size_t>::max() - entries.size()
                                   ? limit
                                   : limit + entries.size();
    RENKEI_TRY(stored,
               RunFindById(reader_, *tenant_id_, id, type, scope, wanted, kBeforeAnyExpiry));
  }
  std::vector<core::Entity> found =
      entries.empty()
          ? std::move(stored)
          : MergeWithStored(std::move(stored), entries, type, scope, kBeforeAnyExpiry, limit);
  for (const auto& e : found) changes_.NoteRead(e);
  return found;
}

base::Result<std::vector<core::Entity>> LoggedTransaction::FindByIds(
    const std::vector<std::string>& ids, const ServicePathScope& scope) {
  std::vector<OverlayEntry> entries;
  for (const auto& id : std::set<std::string>(ids.begin(), ids.end())) {
    for (auto& e : EntriesOf(id)) entries.push_back(std::move(e));
  }
  std::vector<core::Entity> stored;
  if (tenant_id_) {
    std::vector<std::int64_t> row_ids;
    RENKEI_TRY(stored, RunFindByIds(reader_, *tenant_id_, ids, scope, row_ids));
  }
  std::vector<core::Entity> found =
      entries.empty() ? std::move(stored)
                      : MergeWithStored(std::move(stored), entries, std::nullopt, scope,
                                        kBeforeAnyExpiry, std::numeric_limits<std::size_t>::max());
  std::set<std::string_view> seen;
  for (const auto& e : found) {
    changes_.NoteRead(e);
    seen.insert(e.id);
  }
  if (scope.paths.size() == 1 && !scope.paths.front().recursive) {
    changes_.NoteAbsent(ids, seen, scope.paths.front().path);
  }
  return found;
}

base::Result<std::optional<core::Entity>> LoggedTransaction::ReadKey(
    const ChangeTracker::Key& key) {
  const auto& [id, type, path] = key;
  std::vector<OverlayEntry> entries = EntriesOf(id);
  auto it = std::find_if(entries.begin(), entries.end(), [&](const OverlayEntry& e) {
    return e.type == type && e.service_path == path;
  });
  if (it != entries.end()) {
    if (!it->entity) return std::optional<core::Entity>();
    return std::optional<core::Entity>(*it->entity);
  }
  if (!tenant_id_) return std::optional<core::Entity>();
  RENKEI_TRY(std::vector<core::Entity> found,
             RunFindById(reader_, *tenant_id_, id, type, ServicePathScope{{{path, false}}}, 1,
                         kBeforeAnyExpiry));
  if (found.empty()) return std::optional<core::Entity>();
  return std::optional<core::Entity>(std::move(found.front()));
}

void LoggedTransaction::Write(ChangeTracker::Key key, SharedEntity entity) {
  auto it = own_.find(key);
  if (it != own_.end()) {
    it->second.entity = std::move(entity);
    return;
  }
  own_.emplace(key, OwnWrite{std::move(entity), written_.size()});
  written_.push_back(std::move(key));
}

base::Result<void> LoggedTransaction::Put(const core::Entity& entity) {
  return PutShared(std::make_shared<const core::Entity>(entity));
}

base::Result<void> LoggedTransaction::PutMany(std::vector<core::Entity> entities) {
  // Moved into the shared state the record, the overlay and the applier all read: a bulk
  // import's entities are never copied here (a copy was a fifth of the sequencer's time).
  for (auto& entity : entities) {
    RENKEI_TRY_VOID(PutShared(std::make_shared<const core::Entity>(std::move(entity))));
  }
  return base::Ok();
}

base::Result<void> LoggedTransaction::PutShared(SharedEntity entity) {
  ChangeTracker::Key key = ChangeTracker::KeyOf(*entity);
  if (changes_.Tracks(entity->id)) {
    RENKEI_TRY_VOID(
        changes_.RememberBefore(key, [this](const ChangeTracker::Key& k) { return ReadKey(k); }));
    changes_.Touch(key, *entity);
  }
  Write(std::move(key), std::move(entity));
  return base::Ok();
}

base::Result<void> LoggedTransaction::Erase(const std::string& id, const std::string& type,
                                            const std::string& service_path) {
  ChangeTracker::Key key{id, type, service_path};
  RENKEI_TRY(std::optional<core::Entity> stored, ReadKey(key));
  if (!stored) return EntityNotFound();
  if (changes_.Tracks(id)) {
    RENKEI_TRY_VOID(changes_.RememberBefore(
        key, [&stored](const ChangeTracker::Key&) -> base::Result<std::optional<core::Entity>> {
          return stored;
        }));
    changes_.Touch(key, std::nullopt);
  }
  Write(std::move(key), nullptr);
  return base::Ok();
}

base::Result<void> LoggedTransaction::PutImportSources(const std::vector<EntitySource>& sources) {
  // Applied after the unit's entities, so a source finds the entity it belongs to; a key
  // with no entity then is skipped, as on the direct path.
  sources_.insert(sources_.end(), sources.begin(), sources.end());
  return base::Ok();
}

UnitRecord LoggedTransaction::TakeRecord() {
  UnitRecord record;
  record.tenant = tenant_;
  record.correlator = std::move(correlator_);
  record.forced_update = changes_.forced_update();
  record.writes.reserve(written_.size());
  for (const auto& key : written_) {
    const auto& [id, type, path] = key;
    record.writes.push_back(LoggedWrite{id, type, path, own_.at(key).entity, nullptr});
  }
  for (const auto& change : changes_.Changes()) {
    const auto& before = *change.before;
    const auto& after = *change.after;
    // The state after the unit is the key's own write, already shared: no second copy.
    LoggedChange logged{before ? std::make_shared<const core::Entity>(*before) : SharedEntity(),
                        after ? own_.at(ChangeTracker::KeyOf(*after)).entity : SharedEntity(),
                        nullptr, nullptr, std::nullopt};
    if (change.written != nullptr) logged.written = *change.written;
    record.changes.push_back(std::move(logged));
  }
  record.sources = std::move(sources_);
  return record;
}

}  // namespace renkei::store::sqlite
