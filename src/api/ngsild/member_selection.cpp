#include "api/ngsild/member_selection.hpp"

#include <string>

namespace renkei::api::ngsild {
namespace {

base::Unexpected Invalid(std::string_view param, std::string_view text, std::size_t at,
                         std::string_view why) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData",
                    std::string(param) + ": " + std::string(why) + " at position " +
                        std::to_string(at) + " of '" + std::string(text) + "'");
}

// §4.6.2 forbids these in attribute names; whitespace and control characters too.
bool IsNameCharacter(char c) {
  const auto u = static_cast<unsigned char>(c);
  if (u <= 0x20 || u == 0x7f) return false;
  switch (c) {
    case '<':
    case '>':
    case '"':
    case '\'':
    case '=':
    case ';':
    case '(':
    case ')':
      return false;
    default:
      return true;
  }
}

}  // namespace

base::Result<std::vector<SelectedMember>> ParseMemberSelection(std::string_view param,
                                                               std::string_view text) {
  std::vector<SelectedMember> top_level;
  // The member lists being filled, outermost first: a '{' opens the nested list of the
  // member just read, a '}' closes it. Only the innermost list grows, so the pointers to
  // the enclosing ones stay valid.
  std::vector<std::vector<SelectedMember>*> open_lists{&top_level};
  // A member (name) must start after the beginning, a ',' or a '{'; a '{' must follow a name;
  // a ',' or '}' must follow a name or a '}'.
  bool expect_name = true;
  std::size_t name_start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    const char c = i < text.size() ? text[i] : ',';  // a virtual ',' closes the last name
    if (c == ',' || c == '{' || c == '}') {
      const bool have_name = i > name_start;
      if (have_name) {
        open_lists.back()->push_back({std::string(text.substr(name_start, i - name_start)), {}});
      }
      if (c == '{') {
        if (!have_name) return Invalid(param, text, i, "'{' must follow a member name");
        open_lists.push_back(&open_lists.back()->back().nested);
        expect_name = true;
      } else {
        if (expect_name && !have_name) return Invalid(param, text, i, "empty member");
        if (c == '}') {
          if (open_lists.size() == 1) return Invalid(param, text, i, "'}' without '{'");
          open_lists.pop_back();
          expect_name = false;
        } else {
          expect_name = true;
        }
      }
      name_start = i + 1;
      continue;
    }
    if (!IsNameCharacter(c)) return Invalid(param, text, i, "character not allowed");
    if (!expect_name && i == name_start) {
      return Invalid(param, text, i, "',' expected after '}'");
    }
  }
  if (open_lists.size() != 1) return Invalid(param, text, text.size(), "'{' not closed");
  return top_level;
}

}  // namespace renkei::api::ngsild
