// Parsing a JEXL expression into its syntax tree (ast.hpp). Precedence, lowest first, as in
// TomFrost/Jexl, the language Orion's manual points to: `?:`, `||`, `&&`, `==` `!=`,
// `<` `<=` `>` `>=` `in`, `+` `-`, `*` `/` `//` `%`, `^` (right-associative), unary `!`, then
// the postfix forms `.name`, `[index]`, `[.name op value]` (filter) and `|transform(args)`.
// Literals: numbers, strings in ' or ", true, false, null, [arrays] and {objects} with
// identifier or string keys. Pure; thread-safe.
#pragma once

#include <string_view>

#include "base/result.hpp"
#include "notify/expression/ast.hpp"

namespace renkei::notify::expression {

// The tree of `text`; kBadRequestData (with the offset in the detail) for a syntax error, an
// expression longer than kMaxLength or nested deeper than kMaxDepth (limits.hpp).
base::Result<NodePtr> Parse(std::string_view text);

}  // namespace renkei::notify::expression
