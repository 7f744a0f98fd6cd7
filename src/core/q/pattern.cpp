#include "core/q/pattern.hpp"

#include <cctype>
#include <string>
#include <vector>

namespace renkei::core::q {
namespace {

// Length of the quantifier starting at `pos` (`*`, `+`, `?`, `{n}`, `{n,}`, `{n,m}`), or 0.
std::size_t QuantifierLength(std::string_view p, std::size_t pos) {
  const char c = p[pos];
  if (c == '*' || c == '+' || c == '?') return 1;
  if (c != '{') return 0;
  std::size_t i = pos + 1;
  const std::size_t digits_start = i;
  while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) ++i;
  if (i == digits_start) return 0;  // `{` without a count is a literal brace
  if (i < p.size() && p[i] == ',') {
    ++i;
    while (i < p.size() && std::isdigit(static_cast<unsigned char>(p[i]))) ++i;
  }
  return i < p.size() && p[i] == '}' ? i + 1 - pos : 0;
}

std::size_t DigitsAt(std::string_view p, std::size_t pos) {
  std::size_t n = 0;
  while (pos + n < p.size() && std::isdigit(static_cast<unsigned char>(p[pos + n]))) ++n;
  return n;
}

// libstdc++'s regex compiler reads the number of a backreference (`\12`) or a repetition count
// (`{12,34}`) into a long without an overflow check (undefined behaviour; found by
// tests/fuzz/ld_query_fuzz.cpp with `\8888888888888888888...`), and a large count expands
// into that many NFA states. Longer numbers than any sensible pattern needs are refused.
bool HasOversizedNumbers(std::string_view p) {
  constexpr std::size_t kMaxBackreferenceDigits = 3;
  constexpr std::size_t kMaxCountDigits = 4;
  for (std::size_t i = 0; i < p.size(); ++i) {
    if (p[i] == '\\') {
      if (DigitsAt(p, i + 1) > kMaxBackreferenceDigits) return true;
      ++i;
    } else if (p[i] == '{') {
      const std::size_t low = DigitsAt(p, i + 1);
      const std::size_t comma = i + 1 + low;
      if (low > kMaxCountDigits) return true;
      if (comma < p.size() && p[comma] == ',' && DigitsAt(p, comma + 1) > kMaxCountDigits) {
        return true;
      }
    }
  }
  return false;
}

}  // namespace

bool HasNestedQuantifiers(std::string_view p) {
  // What the atom just before the current position is: nothing a quantifier may apply to,
  // a plain atom, a quantified atom, or a group that contains a quantifier.
  enum class Last { kNone, kAtom, kQuantified, kGroupWithQuantifier };
  Last last = Last::kNone;
  std::vector<bool> group_has_quantifier;  // one entry per open group
  std::size_t i = 0;
  while (i < p.size()) {
    if (std::size_t n = QuantifierLength(p, i); n > 0 && last != Last::kNone) {
      if (last == Last::kQuantified || last == Last::kGroupWithQuantifier) return true;
      i += n;
      if (i < p.size() && p[i] == '?') ++i;  // lazy form
      if (!group_has_quantifier.empty()) group_has_quantifier.back() = true;
      last = Last::kQuantified;
      continue;
    }
    const char c = p[i];
    if (c == '\\') {
      i += 2;
      last = Last::kAtom;
    } else if (c == '[') {
      ++i;
      if (i < p.size() && p[i] == '^') ++i;
      while (i < p.size() && p[i] != ']') i += p[i] == '\\' ? 2 : 1;
      ++i;
      last = Last::kAtom;
    } else if (c == '(') {
      group_has_quantifier.push_back(false);
      ++i;
      if (i < p.size() && p[i] == '?') ++i;  // (?: (?= (?!
      if (i < p.size() && (p[i] == ':' || p[i] == '=' || p[i] == '!')) ++i;
      last = Last::kNone;
    } else if (c == ')') {
      bool inner = !group_has_quantifier.empty() && group_has_quantifier.back();
      if (!group_has_quantifier.empty()) group_has_quantifier.pop_back();
      if (inner && !group_has_quantifier.empty()) group_has_quantifier.back() = true;
      ++i;
      last = inner ? Last::kGroupWithQuantifier : Last::kAtom;
    } else if (c == '|' || c == '^' || c == '$') {
      ++i;
      last = c == '|' ? Last::kNone : Last::kAtom;
    } else {
      ++i;
      last = Last::kAtom;
    }
  }
  return false;
}

std::shared_ptr<const std::regex> CompilePattern(std::string_view pattern,
                                                 std::regex::flag_type flags) {
  if (HasNestedQuantifiers(pattern) || HasOversizedNumbers(pattern)) return nullptr;
  try {
    return std::make_shared<const std::regex>(std::string(pattern), flags);
  } catch (const std::regex_error&) {
    return nullptr;
  }
}

}  // namespace renkei::core::q
