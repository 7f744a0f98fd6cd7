// What every fuzz target in tests/fuzz shares: the fuzzer's bytes as text, the split of one
// input into several parser arguments, and FuzzCheck, which aborts (so libFuzzer and the
// replay runner both report the input) when an invariant of the code under test fails.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

namespace renkei::fuzz {

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// The first `count - 1` lines of `text` and then the rest (which may hold newlines), so a
// corpus file reads as one argument per line. Missing lines are empty.
inline std::vector<std::string_view> SplitLines(std::string_view text, std::size_t count) {
  std::vector<std::string_view> parts;
  while (parts.size() + 1 < count) {
    auto nl = text.find('\n');
    if (nl == std::string_view::npos) break;
    parts.push_back(text.substr(0, nl));
    text.remove_prefix(nl + 1);
  }
  parts.push_back(text);
  parts.resize(count);
  return parts;
}

// Aborts with `what` when `ok` is false: an invariant of the code under test was broken.
inline void FuzzCheck(bool ok, const char* what) {
  if (ok) return;
  std::fprintf(stderr, "fuzz invariant broken: %s\n", what);
  std::abort();
}

}  // namespace renkei::fuzz
