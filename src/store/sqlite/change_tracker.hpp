// ChangeTracker: the journal bookkeeping of one write unit (store/subscription_store.hpp):
// for each entity the unit writes that a subscription may select, its state before the unit
// and after it. Both ways of running a unit use it: inside a SQLite savepoint (the direct
// path) and against the write log (write_log.hpp), which differ only in how they read.
//
// `journal` false: the tenant has no subscriptions and nothing is tracked. Otherwise
// `may_notify` (when set) is asked once per entity id before anything is remembered, so an
// entity no subscription can select costs no read of its previous state, no copies and no
// comparison (docs/adr/0011).
//
// Not thread-safe: one unit, one thread.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "store/subscription_store.hpp"

namespace renkei::store::sqlite {

class ChangeTracker {
 public:
  using Key = std::tuple<std::string, std::string, std::string>;  // id, type, service path
  static Key KeyOf(const core::Entity& e) { return {e.id, e.PrimaryType(), e.service_path}; }
  // Reads the stored state of one key (before the unit wrote it).
  using ReadKey = std::function<base::Result<std::optional<core::Entity>>(const Key&)>;

  ChangeTracker(bool journal, const std::string& tenant, const JournalFilter& may_notify)
      : journal_(journal), tenant_(tenant), may_notify_(may_notify) {}

  bool journal() const { return journal_; }
  // Whether this unit journals the entity with this id (asked once per id).
  bool Tracks(const std::string& id);
  // The unit read `found` before writing it: that is its state before the unit.
  void NoteRead(const core::Entity& found);
  // A bulk read of `ids` in one exact ServicePath found none of those not in `seen`: they
  // were absent before the unit, and RememberBefore need not read them again.
  void NoteAbsent(const std::vector<std::string>& ids, const std::set<std::string_view>& seen,
                  const std::string& service_path);
  // Before the unit's first write of `key`: its state before the unit, read with `read`
  // unless known already.
  base::Result<void> RememberBefore(const Key& key, const ReadKey& read);
  // The unit wrote `key` (nullopt: erased).
  void Touch(const Key& key, std::optional<core::Entity> after);
  void SetForcedUpdate() { forced_update_ = true; }
  bool forced_update() const { return forced_update_; }
  // The request wrote these attributes of `key` (WriteTransaction::NoteWrittenAttributes).
  void NoteWritten(const Key& key, const std::vector<std::string>& names);

  // The entities whose state at the end of the unit differs from their state before it, or
  // that the request wrote attributes of (noted), or every written one under forcedUpdate;
  // in the order they were first written.
  struct Change {
    const std::optional<core::Entity>* before;
    const std::optional<core::Entity>* after;
    const std::vector<std::string>* written;  // nullptr: none noted
  };
  std::vector<Change> Changes() const;

 private:
  const bool journal_;
  const std::string& tenant_;  // for may_notify_
  const JournalFilter& may_notify_;
  bool forced_update_ = false;
  std::map<std::string, bool, std::less<>> tracked_;  // Tracks' answers by entity id
  std::map<Key, std::optional<core::Entity>> before_;
  std::map<Key, std::optional<core::Entity>> after_;
  std::vector<Key> written_;
  std::map<Key, std::vector<std::string>> written_attributes_;  // NoteWritten, in order
  // (id, service path) that a bulk read found no entity for (any type): absent before.
  std::set<std::pair<std::string, std::string>> absent_;
};

}  // namespace renkei::store::sqlite
