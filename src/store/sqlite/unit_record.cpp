#include "store/sqlite/unit_record.hpp"

#include "core/entity_codec.hpp"

namespace renkei::store::sqlite {
namespace {

constexpr std::uint8_t kVersion = 2;
constexpr std::uint8_t kVersionWithoutWritten = 1;  // before journal rows carried `written`

class Writer {
 public:
  void U8(std::uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void U32(std::uint32_t v) { Fixed(v, 4); }
  void U64(std::uint64_t v) { Fixed(v, 8); }
  void Str(std::string_view s) {
    U32(static_cast<std::uint32_t>(s.size()));
    out_.append(s);
  }
  // An optional entity; its encoding is kept in `doc` (computed when empty) for the applier.
  void Entity(const SharedEntity& e, SharedDoc& doc) {
    U8(e ? 1 : 0);
    if (!e) return;
    if (!doc) doc = std::make_shared<const std::string>(core::EncodeEntity(*e));
    Str(*doc);
  }
  void Names(const std::optional<std::vector<std::string>>& names) {
    U8(names ? 1 : 0);
    if (!names) return;
    U32(static_cast<std::uint32_t>(names->size()));
    for (const auto& name : *names) Str(name);
  }
  std::string Take() { return std::move(out_); }

 private:
  void Fixed(std::uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
  std::string out_;
};

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool U8(std::uint8_t& v) {
    std::uint64_t x = 0;
    if (!Fixed(x, 1)) return false;
    v = static_cast<std::uint8_t>(x);
    return true;
  }
  bool U32(std::uint32_t& v) {
    std::uint64_t x = 0;
    if (!Fixed(x, 4)) return false;
    v = static_cast<std::uint32_t>(x);
    return true;
  }
  bool U64(std::uint64_t& v) { return Fixed(v, 8); }
  bool Str(std::string& s) {
    std::uint32_t n = 0;
    if (!U32(n) || in_.size() < n) return false;
    s.assign(in_.substr(0, n));
    in_.remove_prefix(n);
    return true;
  }
  // `text`, when given, receives the entity's encoding.
  base::Result<SharedEntity> Entity(SharedDoc* text = nullptr) {
    std::uint8_t present = 0;
    if (!U8(present) || present > 1) return Bad("entity marker");
    if (present == 0) return SharedEntity();
    std::string doc;
    if (!Str(doc)) return Bad("entity text");
    RENKEI_TRY(core::Entity e, core::DecodeEntity(doc));
    if (text != nullptr) *text = std::make_shared<const std::string>(std::move(doc));
    return std::make_shared<const core::Entity>(std::move(e));
  }
  base::Result<std::optional<std::vector<std::string>>> Names() {
    std::uint8_t present = 0;
    if (!U8(present) || present > 1) return Bad("written marker");
    if (present == 0) return std::optional<std::vector<std::string>>();
    std::uint32_t n = 0;
    if (!U32(n)) return Bad("written count");
    std::vector<std::string> names;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (!Str(names.emplace_back())) return Bad("written name");
    }
    return std::optional<std::vector<std::string>>(std::move(names));
  }
  bool AtEnd() const { return in_.empty(); }
  static base::Unexpected Bad(std::string_view what) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "write log record: cannot decode its " + std::string(what));
  }

 private:
  bool Fixed(std::uint64_t& v, int bytes) {
    if (in_.size() < static_cast<std::size_t>(bytes)) return false;
    v = 0;
    for (int i = 0; i < bytes; ++i) {
      v |= static_cast<std::uint64_t>(static_cast<unsigned char>(in_[static_cast<std::size_t>(i)]))
           << (8 * i);
    }
    in_.remove_prefix(static_cast<std::size_t>(bytes));
    return true;
  }
  std::string_view in_;
};

}  // namespace

std::string EncodeUnitRecord(UnitRecord& record) {
  Writer w;
  w.U8(kVersion);
  w.Str(record.tenant);
  w.Str(record.correlator);
  w.U8(record.forced_update ? 1 : 0);
  w.U32(static_cast<std::uint32_t>(record.writes.size()));
  for (auto& write : record.writes) {
    w.Str(write.id);
    w.Str(write.type);
    w.Str(write.service_path);
    w.Entity(write.entity, write.doc);
  }
  w.U32(static_cast<std::uint32_t>(record.changes.size()));
  for (auto& change : record.changes) {
    // A journal row's "after" is usually the very entity a write holds: its text is reused.
    if (!change.after_doc && change.after) {
      for (const auto& write : record.writes) {
        if (write.entity == change.after) change.after_doc = write.doc;
      }
    }
    w.Entity(change.before, change.before_doc);
    w.Entity(change.after, change.after_doc);
    w.Names(change.written);
  }
  w.U32(static_cast<std::uint32_t>(record.sources.size()));
  for (const auto& s : record.sources) {
    w.Str(s.id);
    w.Str(s.type);
    w.Str(s.service_path);
    w.Str(s.source.file);
    w.U64(s.source.line);
    w.U64(static_cast<std::uint64_t>(s.source.imported_at.millis));
  }
  return w.Take();
}

base::Result<UnitRecord> DecodeUnitRecord(std::string_view payload, std::uint64_t seq) {
  Reader r(payload);
  UnitRecord record;
  record.seq = seq;
  std::uint8_t version = 0;
  std::uint8_t forced = 0;
  if (!r.U8(version) || (version != kVersion && version != kVersionWithoutWritten)) {
    return Reader::Bad("version");
  }
  if (!r.Str(record.tenant) || !r.Str(record.correlator) || !r.U8(forced) || forced > 1) {
    return Reader::Bad("header");
  }
  record.forced_update = forced == 1;
  std::uint32_t n = 0;
  if (!r.U32(n)) return Reader::Bad("write count");
  for (std::uint32_t i = 0; i < n; ++i) {
    LoggedWrite write;
    if (!r.Str(write.id) || !r.Str(write.type) || !r.Str(write.service_path)) {
      return Reader::Bad("write key");
    }
    RENKEI_TRY(write.entity, r.Entity(&write.doc));
    record.writes.push_back(std::move(write));
  }
  if (!r.U32(n)) return Reader::Bad("change count");
  for (std::uint32_t i = 0; i < n; ++i) {
    LoggedChange change;
    RENKEI_TRY(change.before, r.Entity(&change.before_doc));
    RENKEI_TRY(change.after, r.Entity(&change.after_doc));
    if (version != kVersionWithoutWritten) {
      RENKEI_TRY(change.written, r.Names());
    }
    record.changes.push_back(std::move(change));
  }
  if (!r.U32(n)) return Reader::Bad("source count");
  for (std::uint32_t i = 0; i < n; ++i) {
    EntitySource s;
    std::uint64_t line = 0;
    std::uint64_t imported = 0;
    if (!r.Str(s.id) || !r.Str(s.type) || !r.Str(s.service_path) || !r.Str(s.source.file) ||
        !r.U64(line) || !r.U64(imported)) {
      return Reader::Bad("import source");
    }
    s.source.line = static_cast<std::size_t>(line);
    s.source.imported_at.millis = static_cast<std::int64_t>(imported);
    record.sources.push_back(std::move(s));
  }
  if (!r.AtEnd()) return Reader::Bad("end (trailing bytes)");
  return record;
}

}  // namespace renkei::store::sqlite
