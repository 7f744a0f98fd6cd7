// Macro substitution in custom notifications (Orion API manual "Custom Notifications":
// "Macro substitution", "JSON payloads", "NGSI payload patching"). `${name}` is replaced
// by what `lookup` gives for name: the entity's id, type, an attribute value, service,
// servicePath... (the caller decides). JEXL expressions beyond a bare name are not
// evaluated: `${a.b}` looks up "a.b" like any name. An unknown name is null.
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

namespace renkei::notify {

using MacroLookup = std::function<std::optional<boost::json::value>(std::string_view name)>;

// Text templates (url, headers, qs, payload): every macro becomes text; a string value is
// inserted as is, anything else as compact JSON; a null or an unknown name becomes
// `null_text` (Orion writes "null" in payloads and url, "" in headers and qs, which are then
// left out).
std::string SubstituteText(std::string_view text, const MacroLookup& lookup,
                           std::string_view null_text = "null");
// JSON templates: strings are substituted recursively; a string that is exactly one macro
// takes the value's JSON type (Orion: "If the macro covers completely the string").
// Object keys are not substituted.
boost::json::value SubstituteJson(const boost::json::value& tmpl, const MacroLookup& lookup);
// Decodes %XX escapes (Orion decodes them in custom payloads and headers at notification
// time); a malformed escape is kept as written.
std::string PercentDecode(std::string_view text);

}  // namespace renkei::notify
