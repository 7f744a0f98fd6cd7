#include "notify/macro.hpp"

#include "notify/expression/expression.hpp"
#include "notify/expression/values.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

json::value Evaluate(std::string_view expr, const MacroContext& context) {
  return expression::EvaluateOrNull(expr, context.values, expression::TransformEnv{context.now});
}

}  // namespace

std::string SubstituteText(std::string_view text, const MacroContext& context,
                           std::string_view null_text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    // Orion's macroSubstitute: a macro ends at the first `}`.
    const auto close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    const json::value v = Evaluate(text.substr(open + 2, close - open - 2), context);
    out += v.is_null() ? std::string(null_text) : expression::ToText(v);
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

json::value SubstituteJson(const json::value& tmpl, const MacroContext& context) {
  if (tmpl.is_string()) {
    std::string_view s = tmpl.get_string();
    // One macro covering the whole string (Orion's smartStringValue: the only `${` is at the
    // start and the string ends with `}`), so `${{count: n + 1}}` is one object literal.
    if (s.size() > 3 && s.starts_with("${") && s.ends_with("}") && s.rfind("${") == 0) {
      return Evaluate(s.substr(2, s.size() - 3), context);
    }
    return json::value(SubstituteText(s, context));
  }
  if (tmpl.is_array()) {
    json::array out;
    for (const auto& item : tmpl.get_array()) out.push_back(SubstituteJson(item, context));
    return out;
  }
  if (tmpl.is_object()) {
    json::object out;
    for (const auto& [k, v] : tmpl.get_object()) out[k] = SubstituteJson(v, context);
    return out;
  }
  return tmpl;
}

}  // namespace renkei::notify
