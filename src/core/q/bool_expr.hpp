// BoolExpr: the skeleton NGSI-LD's three selection languages share: terms joined by `;`
// (AND) and `|` (OR), grouped by parentheses, AND binding tighter than OR. The q language
// (ETSI GS CIM 009 §4.9), scopeQ (§4.19) and the entity type selection (§4.17) differ only in
// what a term is, and in that scopeQ and type selections also accept `,` as OR. Each parser
// supplies a term parser; this header parses the rest, so precedence, nesting and error
// positions are the same in all three.
//
// ParseBoolExpr(text, grammar, parse_term) returns the tree, or kBadRequestData whose detail
// names the parameter, what was wrong and the 0-based character position ("q: missing ')'
// for '(' at position 3"). Nesting deeper than kMaxNesting is an error, never a stack
// overflow. Stateless; safe to call from any thread.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace renkei::core::q {

// A read position in the text being parsed; term parsers advance `pos` past their term.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool AtEnd() const { return pos >= text.size(); }
  char Peek(std::size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  bool LookingAt(std::string_view token) const { return text.substr(pos).starts_with(token); }
  // Advances past `token` when the text continues with it.
  bool Consume(std::string_view token) {
    if (!LookingAt(token)) return false;
    pos += token.size();
    return true;
  }
  void SkipSpaces() {
    while (!AtEnd() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  }
};

// The error of every NGSI-LD selection parser: kBadRequestData, title "Invalid <parameter>",
// detail "<parameter>: <message> at position <pos>".
inline base::Unexpected SyntaxError(std::string_view parameter, std::size_t pos,
                                    std::string_view message) {
  std::string detail(parameter);
  detail += ": ";
  detail += message;
  detail += " at position ";
  detail += std::to_string(pos);
  return base::Fail(base::ErrorCode::kBadRequestData, "Invalid " + std::string(parameter),
                    std::move(detail));
}

template <typename Term>
struct BoolExpr {
  enum class Kind { kAnd, kOr, kTerm };
  Kind kind = Kind::kTerm;
  std::vector<BoolExpr> children;  // kAnd, kOr: two or more, never of the node's own kind
  Term term;                       // kTerm

  // Evaluates with `holds(term)` for the leaves, short-circuiting left to right.
  template <typename Predicate>
  bool Evaluate(const Predicate& holds) const {
    switch (kind) {
      case Kind::kTerm:
        return holds(term);
      case Kind::kAnd:
        for (const BoolExpr& child : children) {
          if (!child.Evaluate(holds)) return false;
        }
        return true;
      case Kind::kOr:
        for (const BoolExpr& child : children) {
          if (child.Evaluate(holds)) return true;
        }
        return false;
    }
    return false;
  }
};

struct BoolGrammar {
  std::string_view parameter;  // names the parameter in errors: "q", "scopeQ", "type"
  std::string_view term_name;  // what a term is, for "expected a <term_name>"
  bool comma_is_or = false;    // scopeQ and type selections: `,` is another OR
};

inline constexpr int kMaxNesting = 32;

namespace bool_expr_internal {

template <typename Term, typename ParseTerm>
class Parser {
 public:
  using Expr = BoolExpr<Term>;

  Parser(std::string_view text, const BoolGrammar& grammar, const ParseTerm& parse_term)
      : cursor_{text}, grammar_(grammar), parse_term_(parse_term) {}

  base::Result<Expr> ParseAll() {
    cursor_.SkipSpaces();
    if (cursor_.AtEnd()) return Error("empty expression");
    RENKEI_TRY(Expr expr, ParseOr(0));
    cursor_.SkipSpaces();
    if (!cursor_.AtEnd()) {
      return Error(cursor_.Peek() == ')' ? "unbalanced ')'"
                                         : "unexpected '" + std::string(1, cursor_.Peek()) + "'");
    }
    return expr;
  }

 private:
  base::Unexpected Error(std::string_view message) const {
    return SyntaxError(grammar_.parameter, cursor_.pos, message);
  }

  bool AtOr() const {
    return cursor_.Peek() == '|' || (grammar_.comma_is_or && cursor_.Peek() == ',');
  }

  // Appends `child` to a node of `kind`, flattening a child of the same kind.
  static void Join(Expr& node, Expr child) {
    if (child.kind == node.kind) {
      for (Expr& grandchild : child.children) node.children.push_back(std::move(grandchild));
    } else {
      node.children.push_back(std::move(child));
    }
  }

  base::Result<Expr> ParseOr(int depth) {
    RENKEI_TRY(Expr first, ParseAnd(depth));
    cursor_.SkipSpaces();
    if (!AtOr()) return first;
    Expr node;
    node.kind = Expr::Kind::kOr;
    Join(node, std::move(first));
    while (AtOr()) {
      ++cursor_.pos;
      RENKEI_TRY(Expr next, ParseAnd(depth));
      Join(node, std::move(next));
      cursor_.SkipSpaces();
    }
    return node;
  }

  // §4.9: AND (`;`) binds tighter than OR (`|`).
  base::Result<Expr> ParseAnd(int depth) {
    RENKEI_TRY(Expr first, ParsePrimary(depth));
    cursor_.SkipSpaces();
    if (cursor_.Peek() != ';') return first;
    Expr node;
    node.kind = Expr::Kind::kAnd;
    Join(node, std::move(first));
    while (cursor_.Peek() == ';') {
      ++cursor_.pos;
      RENKEI_TRY(Expr next, ParsePrimary(depth));
      Join(node, std::move(next));
      cursor_.SkipSpaces();
    }
    return node;
  }

  base::Result<Expr> ParsePrimary(int depth) {
    cursor_.SkipSpaces();
    const char c = cursor_.Peek();
    if (cursor_.AtEnd() || c == ';' || c == ')' || AtOr()) {
      return Error("expected " + std::string(grammar_.term_name));
    }
    if (c != '(') {
      Expr leaf;
      RENKEI_TRY(leaf.term, parse_term_(cursor_));
      return leaf;
    }
    if (depth >= kMaxNesting) return Error("parentheses nested too deeply");
    const std::size_t open = cursor_.pos++;
    RENKEI_TRY(Expr inner, ParseOr(depth + 1));
    cursor_.SkipSpaces();
    if (!cursor_.Consume(")")) {
      return SyntaxError(grammar_.parameter, open, "missing ')' for the '('");
    }
    return inner;
  }

  Cursor cursor_;
  const BoolGrammar& grammar_;
  const ParseTerm& parse_term_;
};

}  // namespace bool_expr_internal

// `parse_term(Cursor&)` -> base::Result<Term> parses one term at the cursor and leaves the
// cursor just past it; it is never called at a separator, a parenthesis or the end.
template <typename Term, typename ParseTerm>
base::Result<BoolExpr<Term>> ParseBoolExpr(std::string_view text, const BoolGrammar& grammar,
                                           const ParseTerm& parse_term) {
  return bool_expr_internal::Parser<Term, ParseTerm>(text, grammar, parse_term).ParseAll();
}

}  // namespace renkei::core::q
