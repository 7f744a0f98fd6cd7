#include "api/ngsiv2/payload_parser.hpp"
#include "api/ngsiv2/orion_errors.hpp"

#include <algorithm>
#include <cctype>

#include <boost/json/parse.hpp>

#include "core/geo/geometry.hpp"
#include "core/json_parse.hpp"
#include "service/update_operators.hpp"

namespace renkei::api::ngsiv2 {
namespace json = boost::json;
namespace {

using base::ErrorCode;

bool IsGeneralForbidden(char c) {
  return c == '<' || c == '>' || c == '"' || c == '\'' || c == '=' || c == ';' || c == '(' ||
         c == ')';
}

// Identifier rule: printable ASCII except whitespace, & ? / # and the general forbidden set.
bool IsIdentifierChar(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 32 || u >= 127) return false;
  if (c == '&' || c == '?' || c == '/' || c == '#') return false;
  return !IsGeneralForbidden(c);
}

std::size_t Depth(const json::value& v) {
  if (v.is_object()) {
    std::size_t d = 0;
    for (const auto& kv : v.get_object()) d = std::max(d, Depth(kv.value()));
    return d + 1;
  }
  if (v.is_array()) {
    std::size_t d = 0;
    for (const auto& item : v.get_array()) d = std::max(d, Depth(item));
    return d + 1;
  }
  return 0;
}

bool StringsAreClean(const json::value& v) {
  if (v.is_string()) return !HasForbiddenChars(v.get_string());
  if (v.is_object()) {
    for (const auto& kv : v.get_object()) {
      if (!StringsAreClean(kv.value())) return false;
    }
  }
  if (v.is_array()) {
    for (const auto& item : v.get_array()) {
      if (!StringsAreClean(item)) return false;
    }
  }
  return true;
}

bool IsDateTimeType(std::string_view type) { return type == "DateTime" || type == "ISO8601"; }

// Normalises a DateTime value to Orion's rendering (YYYY-MM-DDThh:mm:ss.sssZ). An update
// operator's operand ({"$min": "2025-..."}) is normalised in place.
base::Result<void> NormaliseDateTime(json::value& value, std::string_view where) {
  if (value.is_null()) return base::Ok();
  if (service::IsUpdateOperator(value) && value.get_object().size() == 1) {
    return NormaliseDateTime(value.get_object().begin()->value(), where);
  }
  if (value.is_string()) {
    if (auto t = base::ParseIso8601(value.get_string())) {
      value = json::string(base::FormatIso8601(*t));
      return base::Ok();
    }
  }
  return BadRequest("date has invalid format in " + std::string(where) + " value");
}

bool FlagTrue(const core::Attribute& attr, std::string_view md_name) {
  const core::Attribute* md = attr.FindMetadata(md_name);
  return md != nullptr && md->value.is_bool() && md->value.get_bool();
}

base::Result<std::vector<core::Attribute>> ParseMetadata(const json::value& json) {
  if (!json.is_object()) return BadRequest("metadata must be a JSON object");
  std::vector<core::Attribute> out;
  for (const auto& kv : json.get_object()) {
    core::Attribute md;
    md.name = std::string(kv.key());
    RENKEI_TRY_VOID(ValidateIdentifier(md.name, "metadata name"));
    const json::value& body = kv.value();
    if (!body.is_object()) return BadRequest("metadata must be a JSON object");
    const auto& o = body.get_object();
    for (const auto& m : o) {
      if (m.key() != "value" && m.key() != "type") {
        return BadRequest("invalid JSON field for attribute metadata");
      }
    }
    if (auto it = o.find("value"); it != o.end()) md.value = it->value();
    if (auto it = o.find("type"); it != o.end()) {
      if (!it->value().is_string()) {
        return BadRequest("invalid JSON type for attribute metadata type");
      }
      md.type = std::string(it->value().get_string());
      RENKEI_TRY_VOID(ValidateIdentifier(md.type, "metadata type"));
    } else {
      md.type = core::DefaultV2AttributeType(md.value);
    }
    if (Depth(md.value) > kMaxValueNesting) {
      return ParseError("attribute or metadata value has overpassed maximum nesting limit: 50");
    }
    if (IsDateTimeType(md.type)) RENKEI_TRY_VOID(NormaliseDateTime(md.value, "metadata"));
    if (!StringsAreClean(md.value)) return BadRequest("Invalid characters in metadata value");
    out.push_back(std::move(md));
  }
  return out;
}

}  // namespace

bool ValueCharactersAllowed(const json::value& value) { return StringsAreClean(value); }

bool HasForbiddenChars(std::string_view text) {
  for (char c : text) {
    if (IsGeneralForbidden(c)) return true;
  }
  return false;
}

base::Result<void> ValidateIdentifier(std::string_view value, std::string_view what) {
  if (value.empty()) {
    return BadRequest(std::string(what) + " length: 0, min length supported: 1");
  }
  if (value.size() > kMaxIdentifierLength) {
    return BadRequest(std::string(what) + " length: " + std::to_string(value.size()) +
                      ", max length supported: 256");
  }
  for (char c : value) {
    if (!IsIdentifierChar(c)) return BadRequest("Invalid characters in " + std::string(what));
  }
  return base::Ok();
}

base::Result<json::value> ParseJsonBody(std::string_view body) {
  if (body.empty()) return BadRequest("empty payload");
  json::parse_options options;
  options.max_depth = 128;  // deeper than our own nesting limit, so we report that one
  boost::system::error_code ec;
  json::value v = core::ParseJson(body, ec, options);
  if (ec) return ParseError("Errors found in incoming JSON buffer");
  return v;
}

base::Result<service::AttributeChange> ParseAttribute(const std::string& name,
                                                      const json::value& body, bool key_values) {
  service::AttributeChange change;
  core::Attribute& attr = change.attribute;
  attr.name = name;
  RENKEI_TRY_VOID(ValidateIdentifier(name, "attribute name"));
  bool type_given = false;
  if (key_values) {
    attr.value = body;
  } else {
    if (!body.is_object())
      return BadRequest("attribute must be a JSON object, unless keyValues option is used");
    const auto& o = body.get_object();
    for (const auto& m : o) {
      if (m.key() != "value" && m.key() != "type" && m.key() != "metadata") {
        return BadRequest("unrecognized property for context attribute");
      }
    }
    if (auto it = o.find("value"); it != o.end()) attr.value = it->value();
    if (auto it = o.find("type"); it != o.end()) {
      if (!it->value().is_string()) return BadRequest("invalid JSON type for attribute type");
      attr.type = std::string(it->value().get_string());
      RENKEI_TRY_VOID(ValidateIdentifier(attr.type, "attribute type"));
      type_given = true;
    }
    if (auto it = o.find("metadata"); it != o.end()) {
      RENKEI_TRY(attr.metadata, ParseMetadata(it->value()));
      change.metadata_given = true;
    }
  }
  change.type_given = type_given;
  // Transient entities: dateExpires must be a DateTime (Orion API manual "Transient Entities").
  if (name == service::kDateExpires && type_given && attr.type != "DateTime") {
    return BadRequest("error processing date expiration attribute, see log traces");
  }
  if (!type_given) attr.type = core::DefaultV2AttributeType(attr.value);
  if (Depth(attr.value) > kMaxValueNesting) {
    return ParseError("attribute or metadata value has overpassed maximum nesting limit: 50");
  }
  const bool unrestricted = attr.type == "TextUnrestricted" || FlagTrue(attr, "TextUnrestricted");
  if (!unrestricted && !StringsAreClean(attr.value)) {
    return BadRequest("Invalid characters in attribute value");
  }
  if (IsDateTimeType(attr.type) && !FlagTrue(attr, "ignoreType")) {
    RENKEI_TRY_VOID(NormaliseDateTime(attr.value, "attribute"));
  }
  if (attr.type == "Relationship") {
    attr.kind = core::AttributeKind::kRelationship;
  } else if (core::geo::IsV2GeoType(attr.type) && !FlagTrue(attr, "ignoreType")) {
    // The geometry itself is checked by the service once the attribute's final metadata
    // (ignoreType is sticky) and the entity's location count are known.
    attr.kind = core::AttributeKind::kGeoProperty;
  }
  return change;
}

base::Result<std::vector<service::AttributeChange>> ParseAttributeObject(const json::value& json,
                                                                         bool key_values) {
  if (!json.is_object()) return BadRequest("not a JSON object");
  if (json.get_object().empty()) return BadRequest("empty payload");
  std::vector<service::AttributeChange> out;
  for (const auto& kv : json.get_object()) {
    if (kv.key() == "id") return BadRequest("entity id specified in payload");
    if (kv.key() == "type") return BadRequest("entity type specified in payload");
    RENKEI_TRY(auto change, ParseAttribute(std::string(kv.key()), kv.value(), key_values));
    out.push_back(std::move(change));
  }
  return out;
}

base::Result<ParsedEntity> ParseEntity(const json::value& json, bool key_values,
                                       std::optional<std::string_view> default_type) {
  // Orion's entity parser refuses anything but an object as a JSON parse error.
  if (!json.is_object()) return ParseError("Errors found in incoming JSON buffer");
  const auto& o = json.get_object();
  ParsedEntity out;
  auto id_it = o.find("id");
  if (id_it == o.end()) return BadRequest("entity id length: 0, min length supported: 1");
  if (!id_it->value().is_string()) return BadRequest("Invalid JSON type for entity id");
  out.entity.id = std::string(id_it->value().get_string());
  RENKEI_TRY_VOID(ValidateIdentifier(out.entity.id, "entity id"));
  if (auto type_it = o.find("type"); type_it != o.end()) {
    if (!type_it->value().is_string()) return BadRequest("Invalid JSON type for entity type");
    std::string type(type_it->value().get_string());
    RENKEI_TRY_VOID(ValidateIdentifier(type, "entity type"));
    out.entity.types.push_back(std::move(type));
  } else if (default_type) {
    out.entity.types.emplace_back(*default_type);
  }
  for (const auto& kv : o) {
    if (kv.key() == "id" || kv.key() == "type") continue;
    RENKEI_TRY(auto change, ParseAttribute(std::string(kv.key()), kv.value(), key_values));
    out.metadata_given.push_back(change.metadata_given);
    out.entity.attributes.push_back(std::move(change.attribute));
  }
  return out;
}

base::Result<json::value> ParseTextValue(std::string_view text) {
  auto equals_nocase = [&](std::string_view word) {
    return text.size() == word.size() &&
           std::equal(text.begin(), text.end(), word.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (equals_nocase("true")) return json::value(true);
  if (equals_nocase("false")) return json::value(false);
  if (equals_nocase("null")) return json::value(nullptr);
  if (!text.empty() && text.front() == '"') {
    if (text.size() < 2 || text.back() != '"') {
      return BadRequest("Missing citation-mark at end of string");
    }
    auto inner = text.substr(1, text.size() - 2);
    if (HasForbiddenChars(inner)) return BadRequest("Invalid characters in attribute value");
    return json::value(json::string(inner));
  }
  boost::system::error_code ec;
  json::value v = core::ParseJson(text, ec);
  if (!ec && v.is_number()) return v;
  return BadRequest("attribute value type not recognized");
}

}  // namespace renkei::api::ngsiv2
