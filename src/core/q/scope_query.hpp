// ScopeFilter: NGSI-LD's scopeQ (ETSI GS CIM 009 v1.8 §4.19), a selection on the hierarchical
// Scopes an entity carries (§4.18, e.g. "/Madrid/Gardens/ParqueNorte").
//
// Grammar, as accepted: scope patterns joined by `;` (AND), `|` or `,` (OR), grouped by
// parentheses; AND binds tighter. A pattern is `/level/level...` where a level is `+` (exactly
// one level, any name) or a name; a final `/#` also selects every descendant, and `/#` alone
// selects any scope at all. ParseLdScopeQuery errors are kBadRequestData, title
// "Invalid scopeQ", with the 0-based position in the detail.
//
// Matches(scopes) holds when the expression holds with "the entity has a scope matching the
// pattern" for each pattern; an entity without scopes matches no pattern. Independent of
// core::Entity (which has no scopes yet). Immutable; safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/q/bool_expr.hpp"

namespace renkei::core::q {

struct ScopePattern {
  std::vector<std::string> levels;  // names or "+"; empty with descendants: `/#`
  bool descendants = false;         // ends with `/#`: the scope itself and everything below
  bool Matches(std::string_view scope) const;
  bool operator==(const ScopePattern&) const = default;
};

class ScopeFilter {
 public:
  explicit ScopeFilter(BoolExpr<ScopePattern> expression) : expression_(std::move(expression)) {}

  bool Matches(const std::vector<std::string>& entity_scopes) const;
  const BoolExpr<ScopePattern>& expression() const { return expression_; }

 private:
  BoolExpr<ScopePattern> expression_;
};

base::Result<ScopeFilter> ParseLdScopeQuery(std::string_view scope_q);

}  // namespace renkei::core::q
