#include "core/entity_codec.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

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

json::object EncodeAttribute(const Attribute& attr, const Times& holder) {
  json::object o;
  o[kName] = attr.name;
  // Property is by far the most common kind; leaving it out saves bytes per attribute.
  if (attr.kind != AttributeKind::kProperty) o[kKind] = static_cast<int>(attr.kind);
  o[kTypes] = attr.type;
  o[kValue] = attr.value;
  if (!attr.metadata.empty()) {
    json::array md;
    md.reserve(attr.metadata.size());
    const Times own{attr.created_at, attr.modified_at};
    for (const auto& m : attr.metadata) md.emplace_back(EncodeAttribute(m, own));
    o[kMetadata] = std::move(md);
  }
  if (attr.dataset_id) o[kDatasetId] = *attr.dataset_id;
  if (attr.observed_at) o[kObservedAt] = attr.observed_at->millis;
  if (attr.unit_code) o[kUnitCode] = *attr.unit_code;
  if (attr.created_at != holder.created) o[kCreated] = attr.created_at.millis;
  if (attr.modified_at != holder.modified) o[kModified] = attr.modified_at.millis;
  return o;
}

base::Unexpected Corrupt(std::string_view what) {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "stored entity is corrupt: " + std::string(what));
}

base::Result<std::string> GetString(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_string()) return Corrupt(std::string(key) + " is not a string");
  return std::string(v->get_string());
}

base::Result<Timestamp> GetTime(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (v == nullptr || !v->is_int64()) return Corrupt(std::string(key) + " is not an integer");
  return Timestamp{v->get_int64()};
}

// Takes `v` by mutable reference to move the value (and metadata values) out of the parsed
// document instead of copying them: every read of an entity decodes it.
// A time absent from the document is the holder's (see Times).
base::Result<Timestamp> GetTimeOr(const json::object& o, std::string_view key,
                                  Timestamp inherited) {
  if (!o.contains(key)) return inherited;
  return GetTime(o, key);
}

base::Result<Attribute> DecodeAttribute(json::value& v, const Times& holder, int depth) {
  // Metadata nest only a few levels in practice; the bound keeps a corrupt row from
  // exhausting the stack.
  if (depth > 64) return Corrupt("metadata nested too deeply");
  if (!v.is_object()) return Corrupt("attribute is not an object");
  auto& o = v.get_object();
  Attribute attr;
  RENKEI_TRY(attr.name, GetString(o, kName));
  if (const auto* k = o.if_contains(kKind)) {
    if (!k->is_int64() || k->get_int64() < 0 || k->get_int64() > kMaxKind) {
      return Corrupt("bad attribute kind");
    }
    attr.kind = static_cast<AttributeKind>(k->get_int64());
  }
  RENKEI_TRY(attr.type, GetString(o, kTypes));
  auto* value = o.if_contains(kValue);
  if (value == nullptr) return Corrupt("attribute without value");
  attr.value = std::move(*value);
  RENKEI_TRY(attr.created_at, GetTimeOr(o, kCreated, holder.created));
  RENKEI_TRY(attr.modified_at, GetTimeOr(o, kModified, holder.modified));
  const Times own{attr.created_at, attr.modified_at};
  if (auto* md = o.if_contains(kMetadata)) {
    if (!md->is_array()) return Corrupt("metadata is not an array");
    attr.metadata.reserve(md->get_array().size());
    for (auto& m : md->get_array()) {
      RENKEI_TRY(auto decoded, DecodeAttribute(m, own, depth + 1));
      attr.metadata.push_back(std::move(decoded));
    }
  }
  if (o.contains(kDatasetId)) {
    RENKEI_TRY(attr.dataset_id, GetString(o, kDatasetId));
  }
  if (o.contains(kObservedAt)) {
    RENKEI_TRY(attr.observed_at, GetTime(o, kObservedAt));
  }
  if (o.contains(kUnitCode)) {
    RENKEI_TRY(attr.unit_code, GetString(o, kUnitCode));
  }
  return attr;
}

}  // namespace

std::string EncodeEntity(const Entity& entity) {
  json::object o;
  o[kId] = entity.id;
  json::array types;
  types.reserve(entity.types.size());
  for (const auto& t : entity.types) types.emplace_back(t);
  o[kTypes] = std::move(types);
  o[kServicePath] = entity.service_path;
  o[kCreated] = entity.created_at.millis;
  o[kModified] = entity.modified_at.millis;
  if (entity.expires_at) o[kExpires] = entity.expires_at->millis;
  if (!entity.scopes.empty()) {
    json::array scopes;
    for (const auto& sc : entity.scopes) scopes.emplace_back(sc);
    o[kScopes] = std::move(scopes);
  }
  json::array attrs;
  attrs.reserve(entity.attributes.size());
  const Times entity_times{entity.created_at, entity.modified_at};
  for (const auto& a : entity.attributes) attrs.emplace_back(EncodeAttribute(a, entity_times));
  o[kAttributes] = std::move(attrs);
  return json::serialize(o);
}

base::Result<Entity> DecodeEntity(std::string_view text) {
  boost::system::error_code ec;
  // Boost.JSON's default depth limit (32) is below what EncodeEntity writes for values the
  // APIs accept (NGSIv2 allows 50 levels inside a value, plus the entity/attribute/metadata
  // levels around it): such entities were stored but then unreadable. Found by
  // tests/fuzz/v2_payload_fuzz.cpp. The parser keeps its own stack, so a high limit is safe.
  json::parse_options options;
  options.max_depth = 512;
  json::value root = json::parse(text, ec, {}, options);
  if (ec) return Corrupt(ec.message());
  if (!root.is_object()) return Corrupt("not an object");
  auto& o = root.get_object();
  Entity e;
  RENKEI_TRY(e.id, GetString(o, kId));
  const auto* types = o.if_contains(kTypes);
  if (types == nullptr || !types->is_array()) return Corrupt("types is not an array");
  e.types.reserve(types->get_array().size());
  for (const auto& t : types->get_array()) {
    if (!t.is_string()) return Corrupt("type is not a string");
    e.types.emplace_back(t.get_string());
  }
  RENKEI_TRY(e.service_path, GetString(o, kServicePath));
  RENKEI_TRY(e.created_at, GetTime(o, kCreated));
  RENKEI_TRY(e.modified_at, GetTime(o, kModified));
  if (o.contains(kExpires)) {
    RENKEI_TRY(e.expires_at, GetTime(o, kExpires));
  }
  if (const auto* scopes = o.if_contains(kScopes)) {
    if (!scopes->is_array()) return Corrupt("scopes is not an array");
    for (const auto& sc : scopes->get_array()) {
      if (!sc.is_string()) return Corrupt("scope is not a string");
      e.scopes.emplace_back(sc.get_string());
    }
  }
  auto* attrs = o.if_contains(kAttributes);
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
