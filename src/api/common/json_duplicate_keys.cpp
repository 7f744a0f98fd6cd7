#include "api/common/json_duplicate_keys.hpp"

#include <algorithm>
#include <set>
#include <vector>

namespace renkei::api::common {
namespace {

// One open object or array while scanning.
struct Frame {
  bool is_object = false;
  bool expecting_key = false;  // objects: the next string is a member name
  std::set<std::string_view, std::less<>> keys;
};

// The index just past the string starting at text[i] == '"' (valid JSON: it is closed).
std::size_t SkipString(std::string_view text, std::size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return text.size();
}

}  // namespace

std::optional<std::string> FirstDuplicateKey(std::string_view text, int depth,
                                             std::initializer_list<std::string_view> ignored) {
  std::vector<Frame> stack;
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    if (c == '"') {
      const std::size_t end = SkipString(text, i);
      if (!stack.empty() && stack.back().is_object && stack.back().expecting_key) {
        stack.back().expecting_key = false;
        std::string_view key = text.substr(i + 1, end - i - 2);
        const bool checked = std::find(ignored.begin(), ignored.end(), key) == ignored.end();
        if (static_cast<int>(stack.size()) == depth && checked &&
            !stack.back().keys.insert(key).second) {
          return std::string(key);
        }
      }
      i = end;
      continue;
    }
    if (c == '{' || c == '[') {
      stack.push_back(Frame{c == '{', c == '{', {}});
    } else if ((c == '}' || c == ']') && !stack.empty()) {
      stack.pop_back();
    } else if (c == ',' && !stack.empty() && stack.back().is_object) {
      stack.back().expecting_key = true;
    }
    ++i;
  }
  return std::nullopt;
}

}  // namespace renkei::api::common
