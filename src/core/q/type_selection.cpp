// Entity type selection, ETSI GS CIM 009 v1.8 §4.17: "," and "|" are OR, ";" is AND,
// parentheses group. The operator skeleton is core/q/bool_expr.hpp's.
#include "core/q/type_selection.hpp"

#include <algorithm>
#include <utility>

namespace renkei::core::q {
namespace {

constexpr std::string_view kParameter = "type";
constexpr std::string_view kAllTypes = "*";

bool EndsName(char c) { return std::string_view(";|,() \t").find(c) != std::string_view::npos; }

}  // namespace

bool TypeSelection::Matches(const std::vector<std::string>& entity_types) const {
  return expression_.Evaluate([&](const std::string& type) {
    return type == kAllTypes ||
           std::find(entity_types.begin(), entity_types.end(), type) != entity_types.end();
  });
}

std::optional<std::vector<std::string>> TypeSelection::AnyOf() const {
  std::vector<std::string> types;
  if (expression_.kind == BoolExpr<std::string>::Kind::kTerm) {
    types.push_back(expression_.term);
  } else if (expression_.kind == BoolExpr<std::string>::Kind::kOr) {
    // Children of an OR are terms or ANDs (ParseBoolExpr flattens nested ORs).
    for (const BoolExpr<std::string>& child : expression_.children) {
      if (child.kind != BoolExpr<std::string>::Kind::kTerm) return std::nullopt;
      types.push_back(child.term);
    }
  } else {
    return std::nullopt;
  }
  if (std::find(types.begin(), types.end(), kAllTypes) != types.end()) return std::nullopt;
  return types;
}

bool TypeSelection::MatchesAll() const {
  if (expression_.kind == BoolExpr<std::string>::Kind::kTerm) return expression_.term == kAllTypes;
  if (expression_.kind != BoolExpr<std::string>::Kind::kOr) return false;
  return std::any_of(expression_.children.begin(), expression_.children.end(), [](const auto& c) {
    return c.kind == BoolExpr<std::string>::Kind::kTerm && c.term == kAllTypes;
  });
}

base::Result<TypeSelection> ParseTypeSelection(std::string_view text, const TermExpander& expand) {
  const BoolGrammar grammar{kParameter, "an entity type", /*comma_is_or=*/true};
  auto read_type = [&](Cursor& c) -> base::Result<std::string> {
    const std::size_t start = c.pos;
    while (!c.AtEnd() && !EndsName(c.Peek())) ++c.pos;
    const std::string_view name = c.text.substr(start, c.pos - start);
    if (name.empty()) return SyntaxError(kParameter, start, "expected an entity type");
    return name == kAllTypes ? std::string(name) : expand(name);
  };
  RENKEI_TRY(BoolExpr<std::string> expr, ParseBoolExpr<std::string>(text, grammar, read_type));
  return TypeSelection(std::move(expr));
}

}  // namespace renkei::core::q
