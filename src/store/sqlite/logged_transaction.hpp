// LoggedTransaction: the operations a WriteUnit sees when the store runs it against the write
// log (ADR 0013 option B, write_log.hpp) instead of inside a SQLite savepoint.
//
// Reads look at the unit's own writes first, then the overlay (acknowledged, not yet applied),
// then SQLite through the sequencer's read connection, in that order (entity_overlay.hpp says
// why none is missed). Writes stay in the transaction until the unit ends: a failed unit is
// simply dropped, so there is no rollback. TakeRecord gives what the unit did, for the log.
//
// Not thread-safe: one unit on the sequencer thread.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "store/entity_store.hpp"
#include "store/sqlite/change_tracker.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/entity_overlay.hpp"
#include "store/sqlite/unit_record.hpp"

namespace renkei::store::sqlite {

class LoggedTransaction final : public WriteTransaction {
 public:
  // `tenant_id`: the tenant's row id, nullopt when it has never been applied (SQLite holds
  // nothing of it). `journal`/`may_notify`: as ChangeTracker.
  LoggedTransaction(Connection& reader, std::optional<std::int64_t> tenant_id,
                    const std::string& tenant, const EntityOverlay& overlay, bool journal,
                    const JournalFilter& may_notify);

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const ServicePathScope& scope,
                                                   std::size_t limit) override;
  base::Result<std::vector<core::Entity>> FindByIds(const std::vector<std::string>& ids,
                                                    const ServicePathScope& scope) override;
  base::Result<void> Put(const core::Entity& entity) override;
  base::Result<void> PutMany(std::vector<core::Entity> entities) override;
  base::Result<void> Erase(const std::string& id, const std::string& type,
                           const std::string& service_path) override;
  base::Result<void> PutImportSources(const std::vector<EntitySource>& sources) override;
  void SetCorrelator(std::string_view correlator) override { correlator_ = correlator; }
  void SetForcedUpdate() override { changes_.SetForcedUpdate(); }
  void NoteWrittenAttributes(const core::Entity& entity,
                             const std::vector<std::string>& names) override {
    changes_.NoteWritten(ChangeTracker::KeyOf(entity), names);
  }

  // The unit's record (tenant, writes in first-write order, journal rows, sources); its seq
  // is set by the log.
  UnitRecord TakeRecord();

 private:
  // The overlay's entries of `id` with the unit's own writes over them.
  std::vector<OverlayEntry> EntriesOf(const std::string& id) const;
  // The state of one key as the unit sees it now (nullopt: absent).
  base::Result<std::optional<core::Entity>> ReadKey(const ChangeTracker::Key& key);
  void Write(ChangeTracker::Key key, SharedEntity entity);
  base::Result<void> PutShared(SharedEntity entity);

  Connection& reader_;
  const std::optional<std::int64_t> tenant_id_;
  const std::string& tenant_;
  const EntityOverlay& overlay_;
  std::string correlator_;
  ChangeTracker changes_;
  struct OwnWrite {
    SharedEntity entity;    // null: erased
    std::size_t order = 0;  // index in written_
  };
  std::map<ChangeTracker::Key, OwnWrite> own_;  // the unit's writes
  std::vector<ChangeTracker::Key> written_;     // own_'s keys in first-write order
  std::vector<EntitySource> sources_;
};

}  // namespace renkei::store::sqlite
