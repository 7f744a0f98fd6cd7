// Compiling the regular expressions of q's pattern operators (`~=`, `!~=`) for both dialects.
// std::regex (ECMAScript) backtracks without a step limit, so a pattern whose quantifiers nest
// (`.++`, `(a+)*`, `((x*)y)+`) can take exponential time on a short value, stalling the
// request thread (found by tests/fuzz/v2_query_fuzz.cpp). Such patterns are rejected before
// compiling: a quantifier may not follow a quantifier (ECMAScript forbids it anyway; only
// the lazy `?` may follow) nor apply to a group that already contains one. Numbers in
// backreferences (over 3 digits) and repetition counts (over 4 digits) are refused too: the
// library parses them without an overflow check (undefined behaviour).
// Pure functions; thread-safe.
#pragma once

#include <memory>
#include <regex>
#include <string_view>

namespace renkei::core::q {

// The compiled pattern, or nullptr when `pattern` is not a valid ECMAScript regex, nests
// quantifiers or holds an oversized number.
std::shared_ptr<const std::regex> CompilePattern(std::string_view pattern,
                                                 std::regex::flag_type flags);

// True when some quantifier in `pattern` applies to a quantified atom (see above).
bool HasNestedQuantifiers(std::string_view pattern);

}  // namespace renkei::core::q
