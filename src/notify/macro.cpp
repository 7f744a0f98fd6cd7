#include "notify/macro.hpp"

#include "core/json_text.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

std::string AsText(const std::optional<json::value>& v, std::string_view null_text) {
  if (!v || v->is_null()) return std::string(null_text);
  if (v->is_string()) return std::string(v->get_string());
  // Numbers as Orion writes them (23.5, not 2.35E1).
  return core::ToJsonText(*v, core::NumberStyle::kNineDecimals);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string SubstituteText(std::string_view text, const MacroLookup& lookup,
                           std::string_view null_text) {
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto open = text.find("${", pos);
    if (open == std::string_view::npos) break;
    const auto close = text.find('}', open + 2);
    if (close == std::string_view::npos) break;
    out.append(text.substr(pos, open - pos));
    out += AsText(lookup(text.substr(open + 2, close - open - 2)), null_text);
    pos = close + 1;
  }
  out.append(text.substr(pos));
  return out;
}

json::value SubstituteJson(const json::value& tmpl, const MacroLookup& lookup) {
  if (tmpl.is_string()) {
    std::string_view s = tmpl.get_string();
    if (s.size() > 3 && s.starts_with("${") && s.ends_with("}") && s.find('}') == s.size() - 1) {
      auto v = lookup(s.substr(2, s.size() - 3));
      return v ? *v : json::value(nullptr);
    }
    return json::value(SubstituteText(s, lookup));
  }
  if (tmpl.is_array()) {
    json::array out;
    for (const auto& item : tmpl.get_array()) out.push_back(SubstituteJson(item, lookup));
    return out;
  }
  if (tmpl.is_object()) {
    json::object out;
    for (const auto& [k, v] : tmpl.get_object()) out[k] = SubstituteJson(v, lookup);
    return out;
  }
  return tmpl;
}

std::string PercentDecode(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size()) {
      const int hi = HexDigit(text[i + 1]);
      const int lo = HexDigit(text[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
        continue;
      }
    }
    out.push_back(text[i]);
  }
  return out;
}

}  // namespace renkei::notify
