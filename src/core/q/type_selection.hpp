// TypeSelection: NGSI-LD's entity type selection (ETSI GS CIM 009 v1.8 §4.17), the `type`
// parameter of queries and the `type` of subscription and registration entity selectors.
//
// Grammar, as accepted: type names joined by `;` (AND: the entity has both types), `|` or `,`
// (OR), grouped by parentheses; AND binds tighter. Names are expanded with the request's
// @context through `expand`; `*` (all types) is not. ParseTypeSelection errors are
// kBadRequestData, title "Invalid type", with the 0-based position in the detail.
//
// Matches(types) evaluates the expression with "the entity has this type" for each name.
// Immutable; safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/q/bool_expr.hpp"
#include "core/q/term_expander.hpp"

namespace renkei::core::q {

class TypeSelection {
 public:
  explicit TypeSelection(BoolExpr<std::string> expression) : expression_(std::move(expression)) {}

  bool Matches(const std::vector<std::string>& entity_types) const;
  // The expanded types when the selection is a plain OR of names (`A`, `A,B`, `(A|B),C`), so a
  // store can push it down as `type IN (...)`; nullopt when it has an AND or a `*`.
  std::optional<std::vector<std::string>> AnyOf() const;
  // True when the selection is `*` (or an OR containing it): every entity matches.
  bool MatchesAll() const;
  const BoolExpr<std::string>& expression() const { return expression_; }

 private:
  BoolExpr<std::string> expression_;
};

base::Result<TypeSelection> ParseTypeSelection(std::string_view text, const TermExpander& expand);

}  // namespace renkei::core::q
