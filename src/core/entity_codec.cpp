#include "core/entity_codec.hpp"

#include <array>
#include <charconv>

#include <boost/json/parse_options.hpp>
#include <boost/json/serializer.hpp>
#include <boost/json/value.hpp>

#include "core/json_parse.hpp"

namespace renkei::core {
namespace {

namespace json = boost::json;

// Field keys of the stored form. Changing them needs a store migration.
constexpr std::string_view kId = "i";
constexpr std::string_view kTypes = "t";
constexpr std::string_view kServicePath = "s";
constexpr std::string_view kCreated = "c";
constexpr std::string_view kModified = "m";
constexpr std::string_view kExpires = "x";
constexpr std::string_view kScopes = "sc";  // absent when empty (older documents too)
constexpr std::string_view kAttributes = "a";
constexpr std::string_view kName = "n";
constexpr std::string_view kKind = "k";
constexpr std::string_view kValue = "v";
constexpr std::string_view kMetadata = "md";
constexpr std::string_view kDatasetId = "d";
constexpr std::string_view kObservedAt = "o";
constexpr std::string_view kUnitCode = "u";

constexpr int kMaxKind = static_cast<int>(AttributeKind::kListRelationship);

// An attribute's system times are written only where they differ from those of what holds it
// (the entity, or the attribute of a sub-attribute): most attributes are created and modified
// with their entity, and two 13-digit times per attribute were about 40 % of an open-data
// row's document (31 attributes: 2.7 KB, one SQLite page per entity). Documents written
// before always carry both; a missing one is inherited when decoding.
struct Times {
  Timestamp created;
  Timestamp modified;
};

// Writes the stored form straight into one string. The text is the one a json::object built
// field by field and then serialized gives (same key order, Boost.JSON's escapes and number
// forms: strings and values go through its serializer), but no value is copied into such a
// temporary document first: that copy and its destruction were most of the encoding's cost,
// and every write through the write log encodes the entities it wrote.
class DocWriter {
 public:
  void Begin(char bracket) {
    Separate();
    out_.push_back(bracket);
    need_comma_ = false;
  }
  void End(char bracket) {
    out_.push_back(bracket);
    need_comma_ = true;
  }
  // `"key":`. Keys are the constants above: plain ASCII, nothing to escape.
  void Key(std::string_view key) {
    Separate();
    out_.push_back('"');
    out_.append(key);
    out_.append("\":");
    need_comma_ = false;
  }
  void String(std::string_view text) {
    Separate();
    serializer_.reset(text);
    Drain();
  }
  void Int(std::int64_t number) {
    Separate();
    char digits[24];
    const auto end = std::to_chars(digits, digits + sizeof digits, number).ptr;
    out_.append(digits, static_cast<std::size_t>(end - digits));
    need_comma_ = true;
  }
  void Value(const json::value& value) {
    Separate();
    serializer_.reset(&value);
    Drain();
  }
  void Reserve(std::size_t bytes) { out_.reserve(bytes); }
  // The text without spare capacity: the write log keeps each entity's document until the
  // applier has stored it, so a document left as grown (up to twice its size) cost the
  // memory of a hundred thousand half-empty buffers in a bulk import.
  std::string Take() {
    out_.shrink_to_fit();
    return std::move(out_);
  }

 private:
  void Separate() {
    if (need_comma_) out_.push_back(',');
  }
  void Drain() {
    while (!serializer_.done()) {
      char chunk[512];
      out_.append(serializer_.read(chunk));
    }
    need_comma_ = true;
  }

  std::string out_;
  json::serializer serializer_;
  bool need_comma_ = false;
};

void EncodeAttribute(DocWriter& out, const Attribute& attr, const Times& holder) {
  out.Begin('{');
  out.Key(kName);
  out.String(attr.name);
  // Property is by far the most common kind; leaving it out saves bytes per attribute.
  if (attr.kind != AttributeKind::kProperty) {
    out.Key(kKind);
    out.Int(static_cast<int>(attr.kind));
  }
  out.Key(kTypes);
  out.String(attr.type);
  out.Key(kValue);
  out.Value(attr.value);
  if (!attr.metadata.empty()) {
    out.Key(kMetadata);
    out.Begin('[');
    const Times own{attr.created_at, attr.modified_at};
    for (const auto& m : attr.metadata) EncodeAttribute(out, m, own);
    out.End(']');
  }
  if (attr.dataset_id) {
    out.Key(kDatasetId);
    out.String(*attr.dataset_id);
  }
  if (attr.observed_at) {
    out.Key(kObservedAt);
    out.Int(attr.observed_at->millis);
  }
  if (attr.unit_code) {
    out.Key(kUnitCode);
    out.String(*attr.unit_code);
  }
  if (attr.created_at != holder.created) {
    out.Key(kCreated);
    out.Int(attr.created_at.millis);
  }
  if (attr.modified_at != holder.modified) {
    out.Key(kModified);
    out.Int(attr.modified_at.millis);
  }
  out.End('}');
}

void EncodeStrings(DocWriter& out, std::string_view key, const std::vector<std::string>& list) {
  out.Key(key);
  out.Begin('[');
  for (const auto& item : list) out.String(item);
  out.End(']');
}

base::Unexpected Corrupt(std::string_view what) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "stored entity is corrupt: " + std::string(what));
}

base::Result<std::string> StringOf(const json::value* v, std::string_view key) {
  if (v == nullptr || !v->is_string()) return Corrupt(std::string(key) + " is not a string");
  return std::string(v->get_string());
}

base::Result<Timestamp> TimeOf(const json::value* v, std::string_view key) {
  if (v == nullptr || !v->is_int64()) return Corrupt(std::string(key) + " is not an integer");
  return Timestamp{v->get_int64()};
}

// A time absent from the document is the holder's (see Times).
base::Result<Timestamp> TimeOr(const json::value* v, std::string_view key, Timestamp inherited) {
  if (v == nullptr) return inherited;
  return TimeOf(v, key);
}

// The members of one stored object, found in a single pass over it. Looking each key up
// (`if_contains`) compared every member's key again per lookup: with ten lookups per
// attribute that was a quarter of decoding, and every read of an entity decodes it.
// Unknown keys are ignored, as the lookups did; of a repeated key the last one counts.
template <std::size_t N>
std::array<json::value*, N> MembersOf(json::object& o,
                                      const std::array<std::string_view, N>& keys) {
  std::array<json::value*, N> found{};
  for (auto& member : o) {
    const std::string_view key = member.key();
    for (std::size_t i = 0; i < N; ++i) {
      if (key == keys[i]) {
        found[i] = &member.value();
        break;
      }
    }
  }
  return found;
}

// Takes `v` by mutable reference to move the value (and metadata values) out of the parsed
// document instead of copying them: every read of an entity decodes it.
base::Result<Attribute> DecodeAttribute(json::value& v, const Times& holder, int depth) {
  // Metadata nest only a few levels in practice; the bound keeps a corrupt row from
  // exhausting the stack.
  if (depth > 64) return Corrupt("metadata nested too deeply");
  if (!v.is_object()) return Corrupt("attribute is not an object");
  static constexpr std::array<std::string_view, 10> kKeys{
      kName,     kKind,     kTypes,     kValue,      kCreated,
      kModified, kMetadata, kDatasetId, kObservedAt, kUnitCode};
  const auto [name, kind, type, value, created, modified, metadata, dataset_id, observed_at,
              unit_code] = MembersOf(v.get_object(), kKeys);
  Attribute attr;
  RENKEI_TRY(attr.name, StringOf(name, kName));
  if (kind != nullptr) {
    if (!kind->is_int64() || kind->get_int64() < 0 || kind->get_int64() > kMaxKind) {
      return Corrupt("bad attribute kind");
    }
    attr.kind = static_cast<AttributeKind>(kind->get_int64());
  }
  RENKEI_TRY(attr.type, StringOf(type, kTypes));
  if (value == nullptr) return Corrupt("attribute without value");
  attr.value = std::move(*value);
  RENKEI_TRY(attr.created_at, TimeOr(created, kCreated, holder.created));
  RENKEI_TRY(attr.modified_at, TimeOr(modified, kModified, holder.modified));
  const Times own{attr.created_at, attr.modified_at};
  if (metadata != nullptr) {
    if (!metadata->is_array()) return Corrupt("metadata is not an array");
    attr.metadata.reserve(metadata->get_array().size());
    for (auto& m : metadata->get_array()) {
      RENKEI_TRY(auto decoded, DecodeAttribute(m, own, depth + 1));
      attr.metadata.push_back(std::move(decoded));
    }
  }
  if (dataset_id != nullptr) {
    RENKEI_TRY(attr.dataset_id, StringOf(dataset_id, kDatasetId));
  }
  if (observed_at != nullptr) {
    RENKEI_TRY(attr.observed_at, TimeOf(observed_at, kObservedAt));
  }
  if (unit_code != nullptr) {
    RENKEI_TRY(attr.unit_code, StringOf(unit_code, kUnitCode));
  }
  return attr;
}

}  // namespace

std::string EncodeEntity(const Entity& entity) {
  DocWriter out;
  // About what an open-data entity takes per attribute: few regrowths on the way.
  out.Reserve(128 + 96 * entity.attributes.size());
  out.Begin('{');
  out.Key(kId);
  out.String(entity.id);
  EncodeStrings(out, kTypes, entity.types);
  out.Key(kServicePath);
  out.String(entity.service_path);
  out.Key(kCreated);
  out.Int(entity.created_at.millis);
  out.Key(kModified);
  out.Int(entity.modified_at.millis);
  if (entity.expires_at) {
    out.Key(kExpires);
    out.Int(entity.expires_at->millis);
  }
  if (!entity.scopes.empty()) EncodeStrings(out, kScopes, entity.scopes);
  out.Key(kAttributes);
  out.Begin('[');
  const Times entity_times{entity.created_at, entity.modified_at};
  for (const auto& a : entity.attributes) EncodeAttribute(out, a, entity_times);
  out.End(']');
  out.End('}');
  return out.Take();
}

base::Result<Entity> DecodeEntity(std::string_view text) {
  boost::system::error_code ec;
  // Boost.JSON's default depth limit (32) is below what EncodeEntity writes for values the
  // APIs accept (NGSIv2 allows 50 levels inside a value, plus the entity/attribute/metadata
  // levels around it): such entities were stored but then unreadable. Found by
  // tests/fuzz/v2_payload_fuzz.cpp. The parser keeps its own stack, so a high limit is safe.
  json::parse_options options;
  options.max_depth = 512;
  json::value root = ParseJson(text, ec, options);
  if (ec) return Corrupt(ec.message());
  if (!root.is_object()) return Corrupt("not an object");
  static constexpr std::array<std::string_view, 8> kKeys{
      kId, kTypes, kServicePath, kCreated, kModified, kExpires, kScopes, kAttributes};
  const auto [id, types, service_path, created, modified, expires, scopes, attrs] =
      MembersOf(root.get_object(), kKeys);
  Entity e;
  RENKEI_TRY(e.id, StringOf(id, kId));
  if (types == nullptr || !types->is_array()) return Corrupt("types is not an array");
  e.types.reserve(types->get_array().size());
  for (const auto& t : types->get_array()) {
    if (!t.is_string()) return Corrupt("type is not a string");
    e.types.emplace_back(t.get_string());
  }
  RENKEI_TRY(e.service_path, StringOf(service_path, kServicePath));
  RENKEI_TRY(e.created_at, TimeOf(created, kCreated));
  RENKEI_TRY(e.modified_at, TimeOf(modified, kModified));
  if (expires != nullptr) {
    RENKEI_TRY(e.expires_at, TimeOf(expires, kExpires));
  }
  if (scopes != nullptr) {
    if (!scopes->is_array()) return Corrupt("scopes is not an array");
    for (const auto& sc : scopes->get_array()) {
      if (!sc.is_string()) return Corrupt("scope is not a string");
      e.scopes.emplace_back(sc.get_string());
    }
  }
  if (attrs == nullptr || !attrs->is_array()) return Corrupt("attributes is not an array");
  e.attributes.reserve(attrs->get_array().size());
  const Times entity_times{e.created_at, e.modified_at};
  for (auto& a : attrs->get_array()) {
    RENKEI_TRY(auto decoded, DecodeAttribute(a, entity_times, 0));
    e.attributes.push_back(std::move(decoded));
  }
  return e;
}

}  // namespace renkei::core
