// The one entity model both dialects map onto (docs/architecture.md "One entity model").
//
// An Entity has an id, one or more types, a ServicePath scope, system times and an ordered
// list of attributes. An Attribute is one of the NGSI-LD 1.8 attribute kinds; NGSIv2 writes
// map onto it as: "Relationship" -> kRelationship, "geo:*" -> kGeoProperty, everything else
// -> kProperty, with the v2 type string kept verbatim in `type` so it reads back unchanged.
// NGSIv2 metadata and NGSI-LD sub-attributes are both `metadata` (an Attribute list).
// Attribute order is insertion order, as Orion renders it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/time.hpp"

namespace renkei::core {

using base::Timestamp;

enum class AttributeKind {
  kProperty,
  kRelationship,
  kGeoProperty,
  kLanguageProperty,
  kVocabProperty,
  kJsonProperty,
  kListProperty,
  kListRelationship,
};

struct Attribute {
  std::string name;
  AttributeKind kind = AttributeKind::kProperty;
  // The NGSIv2 type as written or defaulted ("Number", "Text", "geo:json", "DateTime", ...).
  std::string type;
  boost::json::value value;
  std::vector<Attribute> metadata;  // NGSIv2 metadata / NGSI-LD sub-attributes
  std::optional<std::string> dataset_id;
  std::optional<Timestamp> observed_at;
  std::optional<std::string> unit_code;
  Timestamp created_at;
  Timestamp modified_at;

  const Attribute* FindMetadata(std::string_view md_name) const;
  Attribute* FindMetadata(std::string_view md_name);
  bool operator==(const Attribute&) const = default;
};

// The attribute naming the resident a personal entity belongs to (NGSIv2 attribute or
// NGSI-LD Property), read by the personal data rule, the audit log and the notification
// re-check (docs/security.md "Personal data and consent").
inline constexpr std::string_view kOwnerAttribute = "owner";

struct Entity {
  std::string id;
  std::vector<std::string> types;  // NGSIv2 entities have exactly one
  std::string service_path = "/";
  Timestamp created_at;
  Timestamp modified_at;
  std::optional<Timestamp> expires_at;  // from the NGSIv2 dateExpires attribute
  // NGSI-LD scopes (§4.18): hierarchical paths such as "/Wakayama/Shirahama"; NGSIv2 neither
  // shows nor changes them.
  std::vector<std::string> scopes;
  std::vector<Attribute> attributes;

  const std::string& PrimaryType() const;
  const Attribute* Find(std::string_view attr_name) const;
  Attribute* Find(std::string_view attr_name);
  // The instance of `attr_name` with this datasetId (nullopt: the default instance), or
  // nullptr: NGSI-LD multi-attributes are told apart by datasetId (ETSI GS CIM 009 §4.5.5).
  const Attribute* FindInstance(std::string_view attr_name,
                                const std::optional<std::string>& dataset_id) const;
  Attribute* FindInstance(std::string_view attr_name, const std::optional<std::string>& dataset_id);
  // Removes the attribute; returns false when absent.
  bool Erase(std::string_view attr_name);
  bool operator==(const Entity&) const = default;
};

// The NGSIv2 default entity type when a create gives none (Orion: "Thing").
inline constexpr std::string_view kDefaultEntityType = "Thing";

// The NGSIv2 type of an attribute or metadata given without one, from its value (Orion API
// manual, "Partial Representations"): Number, Text, Boolean, None, or StructuredValue for
// objects and arrays.
inline std::string_view DefaultV2AttributeType(const boost::json::value& value) {
  switch (value.kind()) {
    case boost::json::kind::string:
      return "Text";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "Number";
    case boost::json::kind::bool_:
      return "Boolean";
    case boost::json::kind::null:
      return "None";
    default:
      return "StructuredValue";
  }
}

}  // namespace renkei::core
