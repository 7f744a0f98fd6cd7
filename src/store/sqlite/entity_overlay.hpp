// EntityOverlay: the entity states that the write log has acknowledged and the applier has not
// yet copied into the tables (ADR 0013 option B, store/sqlite/write_log.hpp).
//
// One entry per key (tenant, id, primary type, service path): the newest state a unit wrote,
// or a tombstone for an erased key, with the number of the log record that wrote it. Lookups
// by (tenant, id) give every entry of that id; MergeWithStored then puts them over what
// SQLite returned, so a by-id read sees acknowledged writes before they are applied. An entry
// leaves when the applier has committed its record, unless a newer record replaced it.
//
// Visibility rule (why no read misses a write): the applier commits before it releases, and a
// reader looks here before it reads SQLite. An entry that is gone was therefore committed
// before the reader's SQLite statement began.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/time.hpp"
#include "store/entity_query.hpp"
#include "store/sqlite/unit_record.hpp"

namespace renkei::store::sqlite {

struct OverlayEntry {
  std::string id;
  std::string type;
  std::string service_path;
  SharedEntity entity;  // null: erased
  std::uint64_t seq = 0;
  std::size_t bytes = 0;  // the size of the entity's encoding (its share of Bytes())
};

class EntityOverlay {
 public:
  // Records the writes of `record` (numbered record.seq) over older entries.
  void Put(const UnitRecord& record);
  // Every entry of this id in this tenant.
  std::vector<OverlayEntry> Lookup(const std::string& tenant, const std::string& id) const;
  // Removes the entries of `records`' writes that these records wrote (a newer write stays).
  void Release(const std::vector<UnitRecord>& records);
  std::size_t Size() const;
  // The encoded size of the entities held: a proxy of the memory they take (a decoded entity
  // takes a few times its encoding).
  std::size_t Bytes() const;
  // Waits until at most `max_keys` keys and `max_bytes` Bytes() are held or `give_up`
  // returns true (checked on every release and every `poll`). Back-pressure for the
  // sequencer.
  void WaitAtMost(std::size_t max_keys, std::size_t max_bytes, const std::function<bool()>& give_up,
                  std::chrono::milliseconds poll);

 private:
  static std::string Slot(const std::string& tenant, const std::string& id);

  mutable std::mutex mu_;
  std::condition_variable released_;
  std::unordered_map<std::string, std::vector<OverlayEntry>> by_id_;  // Slot -> entries
  std::size_t size_ = 0;                                              // entries in by_id_
  std::size_t bytes_ = 0;                                             // their `bytes`
};

// What a by-id read returns once the overlay is taken into account: `stored` (SQLite's rows,
// in creation order) with each key that has an entry replaced by the entry's entity or
// dropped for a tombstone, then the entries' entities of keys SQLite did not return, in
// record order: of those, only the ones whose primary type is `type` (when given), whose
// ServicePath is in `scope` and that have not expired at `now`. At most `limit`. `entries`
// must be every entry of the ids `stored` was read for.
std::vector<core::Entity> MergeWithStored(std::vector<core::Entity> stored,
                                          const std::vector<OverlayEntry>& entries,
                                          const std::optional<std::string>& type,
                                          const ServicePathScope& scope, base::Timestamp now,
                                          std::size_t limit);

}  // namespace renkei::store::sqlite
