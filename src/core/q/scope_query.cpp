// scopeQ parsing and matching, ETSI GS CIM 009 v1.8 §4.19 ("Scope query language"), over
// the Scope hierarchy of §4.18. The operator skeleton is core/q/bool_expr.hpp's.
#include "core/q/scope_query.hpp"

#include <utility>

namespace renkei::core::q {
namespace {

constexpr std::string_view kParameter = "scopeQ";

bool EndsLevel(char c) { return std::string_view("/;|,() \t").find(c) != std::string_view::npos; }

// The levels of a stored scope: "/a/b" -> {a, b}. Empty levels (`//`) are skipped.
std::vector<std::string_view> Levels(std::string_view scope) {
  std::vector<std::string_view> levels;
  std::size_t pos = 0;
  while (pos < scope.size()) {
    if (scope[pos] == '/') {
      ++pos;
      continue;
    }
    const std::size_t end = std::min(scope.find('/', pos), scope.size());
    levels.push_back(scope.substr(pos, end - pos));
    pos = end;
  }
  return levels;
}

// §4.19 Scope: "/" ScopeLevel *("/" ScopeLevel) with `+` for one level and a final `#`.
base::Result<ScopePattern> ReadPattern(Cursor& c) {
  ScopePattern pattern;
  if (c.Peek() != '/') return SyntaxError(kParameter, c.pos, "a scope starts with '/'");
  while (c.Consume("/")) {
    const std::size_t start = c.pos;
    while (!c.AtEnd() && !EndsLevel(c.Peek())) ++c.pos;
    const std::string_view level = c.text.substr(start, c.pos - start);
    if (level.empty()) return SyntaxError(kParameter, start, "empty scope level");
    if (level == "#") {
      pattern.descendants = true;
      if (c.Peek() == '/') return SyntaxError(kParameter, c.pos, "'#' must be the last level");
      break;
    }
    if (level.find_first_of("#+") != std::string_view::npos && level != "+") {
      return SyntaxError(kParameter, start, "'+' and '#' must stand alone as a level");
    }
    pattern.levels.emplace_back(level);
  }
  return pattern;
}

}  // namespace

bool ScopePattern::Matches(std::string_view scope) const {
  const std::vector<std::string_view> have = Levels(scope);
  if (have.size() < levels.size() || (!descendants && have.size() != levels.size())) {
    return false;
  }
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (levels[i] != "+" && levels[i] != have[i]) return false;
  }
  return true;
}

bool ScopeFilter::Matches(const std::vector<std::string>& entity_scopes) const {
  return expression_.Evaluate([&](const ScopePattern& pattern) {
    for (const std::string& scope : entity_scopes) {
      if (pattern.Matches(scope)) return true;
    }
    return false;
  });
}

base::Result<ScopeFilter> ParseLdScopeQuery(std::string_view scope_q) {
  const BoolGrammar grammar{kParameter, "a scope", /*comma_is_or=*/true};
  RENKEI_TRY(BoolExpr<ScopePattern> expr,
             ParseBoolExpr<ScopePattern>(scope_q, grammar, ReadPattern));
  return ScopeFilter(std::move(expr));
}

}  // namespace renkei::core::q
