// UnitRecord: what one write unit did, as the write log keeps it (ADR 0013 option B,
// store/sqlite/write_log.hpp). A unit run against the log is acknowledged once its record
// is in the log and synced; the applier later copies records into the tables.
//
// A record carries the unit's resulting entity states (a deleted key has no entity), its
// journal rows for subscriptions (the entity before and after, as the unit saw them) and the
// import sources it recorded, each in the order the unit produced them. Entities are shared,
// read-only: the same object serves the overlay, the applier and the journal.
//
// The encoding (EncodeUnitRecord) is private to this store and versioned by its first byte:
//   u8 version (2) | str tenant | str correlator | u8 forced
//   | u32 n, n x (str id | str type | str service path | opt-entity)
//   | u32 n, n x (opt-entity before | opt-entity after | opt-names written)
//   | u32 n, n x (str id | str type | str service path | str file | u64 line | i64 imported)
// where str = u32 length + bytes, opt-entity = u8 present + str (core::EncodeEntity),
// opt-names = u8 present + u32 n + n x str, little endian. Version 1 (written by older
// versions, still in a log they left) is the same without `written` in journal rows; it
// decodes with `written` absent. Decoding refuses anything else (a record that passed the
// log's CRC yet does not decode is a bug or a file from a newer version).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "store/import_source.hpp"

namespace renkei::store::sqlite {

using SharedEntity = std::shared_ptr<const core::Entity>;
// core::EncodeEntity of an entity, filled by EncodeUnitRecord and DecodeUnitRecord so that the
// applier stores the text the log holds instead of encoding the entity again.
using SharedDoc = std::shared_ptr<const std::string>;

// One key's state after the unit: `entity` null when the unit erased it.
struct LoggedWrite {
  std::string id;
  std::string type;  // the primary type
  std::string service_path;
  SharedEntity entity;
  SharedDoc doc;  // of `entity`
};

// One journal row (store/subscription_store.hpp EntityChange): null before = created, null
// after = deleted.
struct LoggedChange {
  SharedEntity before;
  SharedEntity after;
  SharedDoc before_doc;                             // of `before`
  SharedDoc after_doc;                              // of `after`
  std::optional<std::vector<std::string>> written;  // EntityChange::written
};

struct UnitRecord {
  std::uint64_t seq = 0;  // the log's number for it; not part of the encoding
  std::string tenant;
  std::string correlator;
  bool forced_update = false;
  std::vector<LoggedWrite> writes;
  std::vector<LoggedChange> changes;
  std::vector<EntitySource> sources;

  bool Empty() const { return writes.empty() && changes.empty() && sources.empty(); }
};

// Also fills each write's and journal row's docs.
std::string EncodeUnitRecord(UnitRecord& record);
// kInternalError when `payload` is not an encoding of this version.
base::Result<UnitRecord> DecodeUnitRecord(std::string_view payload, std::uint64_t seq);

}  // namespace renkei::store::sqlite
