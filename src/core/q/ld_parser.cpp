// Parser for NGSI-LD's query language, ETSI GS CIM 009 v1.8 §4.9 ("NGSI-LD Query Language").
// The `;`/`|`/parentheses skeleton is core/q/bool_expr.hpp's, shared with scopeQ and type
// selections; this file reads one Query Term and builds the shared Condition from it.
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <regex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/q/bool_expr.hpp"
#include "core/q/ld_filter.hpp"
#include "core/q/ld_query.hpp"
#include "core/q/pattern.hpp"

namespace renkei::core::q {
namespace {

constexpr std::string_view kParameter = "q";

bool IsSpace(char c) { return c == ' ' || c == '\t'; }

// Characters that end a name: operators, separators, path punctuation, quotes.
bool EndsName(char c) {
  return std::string_view(".[]{}()=!<>~;|,\"").find(c) != std::string_view::npos || IsSpace(c);
}

// §4.9: members of an attribute that a path may name after a dot; they are NGSI-LD core
// terms, not user sub-attributes, so they are never expanded.
bool IsReservedMember(std::string_view name) {
  return name == "observedAt" || name == "unitCode" || name == "datasetId" || name == "createdAt" ||
         name == "modifiedAt";
}

bool IsSystemTime(std::string_view name) { return name == "createdAt" || name == "modifiedAt"; }

bool IsEquality(Operator op) { return op == Operator::kEqual || op == Operator::kNotEqual; }

bool IsPattern(Operator op) {
  return op == Operator::kMatchPattern || op == Operator::kNotMatchPattern;
}

class TermParser {
 public:
  explicit TermParser(const TermExpander& expand) : expand_(expand) {}

  base::Result<Condition> operator()(Cursor& c) const {
    Condition condition;
    const bool negated = c.Consume("!");
    RENKEI_TRY(condition.path, ReadPath(c));
    c.SkipSpaces();
    const std::size_t op_pos = c.pos;
    RENKEI_TRY(std::optional<Operator> op, ReadOperator(c));
    if (!op) {
      condition.op = negated ? Operator::kNotExists : Operator::kExists;
      return condition;
    }
    if (negated) return SyntaxError(kParameter, op_pos, "'!' only negates an existence test");
    condition.op = *op;
    c.SkipSpaces();
    if (IsPattern(condition.op)) {
      RENKEI_TRY_VOID(ReadPattern(c, condition));
    } else {
      RENKEI_TRY_VOID(ReadValues(c, condition));
    }
    return condition;
  }

 private:
  static std::string_view ReadName(Cursor& c) {
    const std::size_t start = c.pos;
    while (!c.AtEnd() && !EndsName(c.Peek())) ++c.pos;
    return c.text.substr(start, c.pos - start);
  }

  // §4.9 Attribute: attrName, attrPathName (`a.b.c`) and compoundAttrName (`a[b.c]`), which
  // combine as `a.b[c.d]`.
  base::Result<Path> ReadPath(Cursor& c) const {
    std::vector<std::string_view> names;
    do {
      const std::size_t at = c.pos;
      const std::string_view name = ReadName(c);
      if (name.empty()) {
        return SyntaxError(kParameter, at,
                           names.empty() ? "expected an attribute name" : "empty name after '.'");
      }
      names.push_back(name);
    } while (c.Consume("."));
    Path path;
    if (c.Consume("[")) {
      do {
        const std::size_t start = c.pos;
        while (!c.AtEnd() && !EndsName(c.Peek())) ++c.pos;
        if (c.pos == start) return SyntaxError(kParameter, start, "empty key in '[...]'");
        path.compound.emplace_back(c.text.substr(start, c.pos - start));
      } while (c.Consume("."));
      if (!c.Consume("]")) return SyntaxError(kParameter, c.pos, "missing ']'");
    }
    if (c.Peek() == '{') {
      return SyntaxError(kParameter, c.pos, "linked-entity queries ('{...}') are not supported");
    }
    // Top-level createdAt/modifiedAt are the entity's system times; a reserved member
    // closing the path is that attribute's member; everything else is a term to expand.
    const bool system = names.size() == 1 && IsSystemTime(names[0]);
    path.attribute = system ? std::string(names[0]) : expand_(names[0]);
    for (std::size_t i = 1; i < names.size(); ++i) {
      const bool reserved = i + 1 == names.size() && IsReservedMember(names[i]);
      std::string name = reserved ? std::string(names[i]) : expand_(names[i]);
      if (i == 1) {
        path.metadata = std::move(name);
      } else {
        path.sub_attributes.push_back(std::move(name));
      }
    }
    return path;
  }

  // §4.9 Operator, equal, unequal, patternOp, notPatternOp; nullopt when the term ends here.
  static base::Result<std::optional<Operator>> ReadOperator(Cursor& c) {
    static constexpr std::pair<std::string_view, Operator> kOperators[] = {
        {"==", Operator::kEqual},    {"!~=", Operator::kNotMatchPattern},
        {"!=", Operator::kNotEqual}, {">=", Operator::kGreaterEqual},
        {">", Operator::kGreater},   {"<=", Operator::kLessEqual},
        {"<", Operator::kLess},      {"~=", Operator::kMatchPattern},
    };
    for (const auto& [token, op] : kOperators) {
      if (c.Consume(token)) return std::optional<Operator>(op);
    }
    if (std::string_view("=!<>~").find(c.Peek()) != std::string_view::npos && !c.AtEnd()) {
      std::size_t end = c.pos;
      while (end < c.text.size() &&
             std::string_view("=!<>~").find(c.text[end]) != std::string_view::npos) {
        ++end;
      }
      return SyntaxError(
          kParameter, c.pos,
          "unknown operator '" + std::string(c.text.substr(c.pos, end - c.pos)) + "'");
    }
    return std::optional<Operator>();
  }

  // A double-quoted string; `\"` and `\\` are escapes, any other backslash stays (regexes).
  static base::Result<std::string> ReadQuoted(Cursor& c) {
    const std::size_t open = c.pos++;
    std::string text;
    while (!c.AtEnd()) {
      const char ch = c.text[c.pos++];
      if (ch == '"') return text;
      if (ch == '\\' && (c.Peek() == '"' || c.Peek() == '\\')) {
        text.push_back(c.text[c.pos++]);
      } else {
        text.push_back(ch);
      }
    }
    return SyntaxError(kParameter, open, "unterminated string");
  }

  // §4.9 Number: the JSON grammar, which strtod would widen (hex, inf, nan).
  static bool IsNumber(std::string_view s) {
    std::size_t i = 0;
    auto digits = [&] {
      const std::size_t start = i;
      while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i])) != 0) ++i;
      return i > start;
    };
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits()) return false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      if (!digits()) return false;
    }
    if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
      ++i;
      if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
      if (!digits()) return false;
    }
    return i == s.size();
  }

  // One Value: quoted string, or a bare token read up to a separator, `,` or `..`.
  static base::Result<Literal> ReadValue(Cursor& c) {
    Literal literal;
    const std::size_t start = c.pos;
    if (c.Peek() == '"') {
      RENKEI_TRY(literal.text, ReadQuoted(c));
      return literal;
    }
    while (!c.AtEnd() && std::string_view(";|),\"").find(c.Peek()) == std::string_view::npos &&
           !IsSpace(c.Peek()) && !c.LookingAt("..")) {
      ++c.pos;
    }
    const std::string_view token = c.text.substr(start, c.pos - start);
    if (token.empty()) return SyntaxError(kParameter, start, "missing value");
    if (token == "true" || token == "false") {
      literal.kind = Literal::Kind::kBool;
      literal.boolean = token == "true";
    } else if (IsNumber(token)) {
      literal.kind = Literal::Kind::kNumber;
      literal.number = std::strtod(std::string(token).c_str(), nullptr);
      if (!std::isfinite(literal.number)) {
        return SyntaxError(kParameter, start, "number out of range");
      }
    } else if (auto instant = base::ParseIso8601(token)) {
      literal.kind = Literal::Kind::kDateTime;
      literal.text = std::string(token);
      literal.instant = *instant;
    } else if (auto time = ParseTimeOfDay(token)) {
      literal.kind = Literal::Kind::kTime;
      literal.text = std::string(token);
      literal.instant = *time;
    } else {
      literal.text = std::string(token);  // a URI (§4.9 CompEqualityValue), or a bare word
    }
    return literal;
  }

  static bool IsComparable(const Literal& l) {
    return l.kind != Literal::Kind::kBool && l.kind != Literal::Kind::kNull;
  }

  // §4.9: a Range or a ValueList only follows == or != (CompEqualityValue); the ordering
  // operators take one ComparableValue (number, string, date, time).
  static base::Result<void> ReadValues(Cursor& c, Condition& condition) {
    const std::size_t start = c.pos;
    RENKEI_TRY(Literal first, ReadValue(c));
    if (c.LookingAt("..")) {
      if (!IsEquality(condition.op)) {
        return SyntaxError(kParameter, c.pos, "a range is only allowed after == or !=");
      }
      c.pos += 2;
      RENKEI_TRY(Literal second, ReadValue(c));
      if (!IsComparable(first) || !IsComparable(second) || first.kind != second.kind) {
        return SyntaxError(kParameter, start,
                           "range bounds must be two numbers, strings, dates or times");
      }
      condition.range_low = std::move(first);
      condition.range_high = std::move(second);
      return base::Ok();
    }
    condition.values.push_back(std::move(first));
    if (c.Peek() == ',') {
      if (!IsEquality(condition.op)) {
        return SyntaxError(kParameter, c.pos, "a value list is only allowed after == or !=");
      }
      while (c.Consume(",")) {
        RENKEI_TRY(Literal next, ReadValue(c));
        condition.values.push_back(std::move(next));
      }
    } else if (!IsEquality(condition.op) && !IsComparable(condition.values.front())) {
      return SyntaxError(kParameter, start, "'<', '<=', '>', '>=' need a number, string or date");
    }
    return base::Ok();
  }

  // §4.9 patternOp / notPatternOp RegExp. A bare pattern runs to a `;` or `|` outside its
  // own parentheses and brackets, so `a~=(x|y);b` keeps the group; quote it to use a
  // top-level `|`.
  static base::Result<void> ReadPattern(Cursor& c, Condition& condition) {
    const std::size_t start = c.pos;
    Literal pattern;
    if (c.Peek() == '"') {
      RENKEI_TRY(pattern.text, ReadQuoted(c));
    } else {
      int depth = 0;
      while (!c.AtEnd()) {
        const char ch = c.Peek();
        if (ch == '\\' && c.pos + 1 < c.text.size()) {
          c.pos += 2;
          continue;
        }
        if (depth == 0 && (ch == ';' || ch == '|' || ch == ')' || IsSpace(ch))) break;
        if (ch == '(' || ch == '[') ++depth;
        if ((ch == ')' || ch == ']') && depth > 0) --depth;
        ++c.pos;
      }
      pattern.text = std::string(c.text.substr(start, c.pos - start));
    }
    if (pattern.text.empty()) return SyntaxError(kParameter, start, "missing regular expression");
    std::string_view body = pattern.text;
    auto flags = std::regex::ECMAScript;
    if (body.starts_with("(?i)")) {
      body.remove_prefix(4);
      flags |= std::regex::icase;
    }
    condition.pattern = CompilePattern(body, flags);
    if (condition.pattern == nullptr) {
      return SyntaxError(kParameter, start, "invalid regular expression");
    }
    condition.values.push_back(std::move(pattern));
    return base::Ok();
  }

  const TermExpander& expand_;
};

NodePtr ToNode(BoolExpr<Condition>& expr) {
  auto node = std::make_shared<Node>();
  switch (expr.kind) {
    case BoolExpr<Condition>::Kind::kTerm:
      node->condition = std::move(expr.term);
      break;
    case BoolExpr<Condition>::Kind::kAnd:
    case BoolExpr<Condition>::Kind::kOr:
      node->kind =
          expr.kind == BoolExpr<Condition>::Kind::kAnd ? Node::Kind::kAnd : Node::Kind::kOr;
      for (BoolExpr<Condition>& child : expr.children) node->children.push_back(ToNode(child));
      break;
  }
  return node;
}

}  // namespace

base::Result<Filter> ParseLdQuery(std::string_view q, const TermExpander& expand) {
  const BoolGrammar grammar{kParameter, "a query term", /*comma_is_or=*/false};
  RENKEI_TRY(BoolExpr<Condition> expr, ParseBoolExpr<Condition>(q, grammar, TermParser(expand)));
  return Filter(ToNode(expr), Dialect::kNgsiLd);
}

}  // namespace renkei::core::q
