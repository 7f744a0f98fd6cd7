// Macro substitution in custom notifications (Orion API manual "Custom Notifications":
// "Macro substitution", "JSON payloads", "NGSI payload patching", and "JEXL support in custom
// notifications"). `${expr}` is replaced by the value of the JEXL expression `expr`
// (notify/expression/) evaluated against the context the caller builds: the entity's id,
// type, attributes, service, servicePath, metadata... A plain `${name}` is the simplest
// expression. An expression that fails (syntax error, unknown transform, operation on an
// undefined name) or names nothing is null, as Orion's failsafe rule says.
// Where a macro ends is Orion's rule: a string holding one `${` at its start and ending with
// `}` is one expression (so `"${{count: n + 1}}"` is an object literal); anywhere else a macro
// ends at the first `}` (Orion case 4085 ..._unbalanced_macros: `${${B}}` gives "null}").
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include "base/time.hpp"

namespace renkei::notify {

// What the expressions of one notification see: `values` is the JEXL context, `now` the
// time of the `now` transform.
struct MacroContext {
  boost::json::object values;
  base::Timestamp now;
};

// Text templates (url, headers, qs, payload, topic): every macro becomes text; a string
// value is inserted as is, a number as Orion writes it, anything else as compact JSON; null
// becomes `null_text` (Orion writes "null" in payloads and url, "" in headers and qs, which
// are then left out).
std::string SubstituteText(std::string_view text, const MacroContext& context,
                           std::string_view null_text = "null");
// JSON templates: strings are substituted recursively; a string that is exactly one macro
// takes the value's JSON type (Orion: "If the macro covers completely the string").
// Object keys are not substituted.
boost::json::value SubstituteJson(const boost::json::value& tmpl, const MacroContext& context);

}  // namespace renkei::notify
