// ServicePath prefixes of authorization rules (docs/security.md "Authorization policies"):
// a prefix `/a` covers the path `/a` and every descendant `/a/b`, `/a/b/c` (not `/ab`); `/`
// covers every path. Prefixes are written and normalised as the Fiware-ServicePath header
// is (Orion API manual, "Service path"): absolute, components of letters, digits and `_` of
// at most kMaxPrefixComponentLength bytes, at most kMaxPrefixLevels of them, a trailing `/`
// dropped. `#` is refused: a prefix already covers its subtree. Pure, thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace renkei::auth {

// The Fiware-ServicePath limits (docs/limits.md), which a prefix cannot exceed either.
inline constexpr std::size_t kMaxPrefixLevels = 10;
inline constexpr std::size_t kMaxPrefixComponentLength = 50;

// The normalised prefix, or a detail saying what is wrong (without the place: the caller
// names it).
base::Result<std::string> NormalisePathPrefix(std::string_view prefix);

// Whether the normalised `prefix` covers the normalised ServicePath `path`.
bool PathUnder(std::string_view prefix, std::string_view path);

}  // namespace renkei::auth
