// NGSIv2 request payloads → core entities and attribute changes, with Orion's validation
// (Orion API manual: "General syntax restrictions", "Identifiers syntax restrictions",
// "Partial Representations", "Special Attribute Types", "Datetime support"). Errors are
// kBadRequestData with Orion's description texts; JSON syntax errors are "ParseError".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "service/attribute_changes.hpp"

namespace renkei::api::ngsiv2 {

inline constexpr std::size_t kMaxIdentifierLength = 256;
inline constexpr std::size_t kMaxValueNesting = 50;

struct ParsedEntity {
  core::Entity entity;
  std::vector<bool> metadata_given;  // per attribute, in order
};

// Parses a JSON request body. Empty bodies and syntax errors are errors.
base::Result<boost::json::value> ParseJsonBody(std::string_view body);

// An entity object (POST /v2/entities, op/update items). `require_id`: id must be present.
// Without a type, `default_type` is used when set (creation: "Thing").
base::Result<ParsedEntity> ParseEntity(const boost::json::value& json, bool key_values,
                                       std::optional<std::string_view> default_type);
// The attributes object of /attrs requests (no id/type members allowed).
base::Result<std::vector<service::AttributeChange>> ParseAttributeObject(
    const boost::json::value& json, bool key_values);
// One attribute body ({"value","type","metadata"}) for attribute `name`.
base::Result<service::AttributeChange> ParseAttribute(const std::string& name,
                                                      const boost::json::value& json,
                                                      bool key_values);
// A bare value for PUT .../value; `text` bodies are parsed as Orion does for text/plain
// (numbers, true/false/null, quoted strings).
base::Result<boost::json::value> ParseTextValue(std::string_view text);

// Identifier checks used by URL handling too. `what`: "entity id", "attribute name", ...
base::Result<void> ValidateIdentifier(std::string_view value, std::string_view what);
// False when a string anywhere in `value` holds a general forbidden character.
bool ValueCharactersAllowed(const boost::json::value& value);
// Orion's general forbidden characters in URL parameters/paths: < > " ' = ; ( ).
bool HasForbiddenChars(std::string_view text);

}  // namespace renkei::api::ngsiv2
