// The bounds every expression is evaluated within (docs/limits.md "JEXL expressions"): a
// template is written by whoever may create subscriptions, and it runs on every notification,
// so neither its text nor what it computes may grow without bound.
#pragma once

#include <cstddef>

namespace renkei::notify::expression {

// Characters in one `${...}` expression; a longer one is a syntax error (null).
inline constexpr std::size_t kMaxLength = 4096;
// Nesting of the syntax tree (parentheses, brackets, operators, member chains, transforms).
inline constexpr std::size_t kMaxDepth = 64;
// Bytes of any value an expression computes (a string, or an array or object as JSON text,
// roughly); a larger intermediate or final value fails the evaluation (null).
inline constexpr std::size_t kMaxValueBytes = 1024 * 1024;
// Characters a regular expression (replaceRegex, matchRegex) is applied to: std::regex
// recurses per character and would exhaust the stack on long texts.
inline constexpr std::size_t kMaxRegexSubject = 8192;

}  // namespace renkei::notify::expression
