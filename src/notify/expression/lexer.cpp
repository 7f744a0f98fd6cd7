#include "notify/expression/lexer.hpp"

#include <array>
#include <charconv>

namespace renkei::notify::expression {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool IsIdentifierStart(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' ||
         static_cast<unsigned char>(c) >= 0x80;
}

bool IsIdentifierPart(char c) { return IsIdentifierStart(c) || IsDigit(c); }

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// Longest first, so `||` is not read as two `|`.
constexpr std::array<std::string_view, 27> kPunctuation = {
    "||", "&&", "==", "!=", "<=", ">=", "//", "<", ">", "+", "-", "*", "/", "%",
    "^",  "!",  "?",  ":",  ".",  ",",  "(",  ")", "[", "]", "{", "}", "|"};

base::Unexpected SyntaxError(std::string detail, std::size_t offset) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                    detail + " at offset " + std::to_string(offset));
}

}  // namespace

base::Result<std::vector<Token>> Lex(std::string_view text) {
  std::vector<Token> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (IsSpace(c)) {
      ++i;
      continue;
    }
    Token token;
    token.offset = i;
    if (IsDigit(c)) {
      std::size_t end = i;
      while (end < text.size() && IsDigit(text[end])) ++end;
      if (end + 1 < text.size() && text[end] == '.' && IsDigit(text[end + 1])) {
        ++end;
        while (end < text.size() && IsDigit(text[end])) ++end;
      }
      token.kind = TokenKind::kNumber;
      token.text = std::string(text.substr(i, end - i));
      const auto parsed = std::from_chars(text.data() + i, text.data() + end, token.number);
      if (parsed.ec != std::errc()) return SyntaxError("number out of range", i);
      i = end;
    } else if (c == '\'' || c == '"') {
      // A backslash escapes the quote and itself; any other backslash stays (regular
      // expressions such as '\d+' are written as in Orion's manual).
      std::size_t j = i + 1;
      bool closed = false;
      while (j < text.size()) {
        if (text[j] == '\\' && j + 1 < text.size() && (text[j + 1] == c || text[j + 1] == '\\')) {
          token.text += text[j + 1];
          j += 2;
        } else if (text[j] == c) {
          closed = true;
          ++j;
          break;
        } else {
          token.text += text[j++];
        }
      }
      if (!closed) return SyntaxError("unterminated string", i);
      token.kind = TokenKind::kString;
      i = j;
    } else if (IsIdentifierStart(c)) {
      std::size_t end = i;
      while (end < text.size() && IsIdentifierPart(text[end])) ++end;
      token.kind = TokenKind::kIdentifier;
      token.text = std::string(text.substr(i, end - i));
      i = end;
    } else {
      for (std::string_view p : kPunctuation) {
        if (text.substr(i, p.size()) == p) {
          token.kind = TokenKind::kPunct;
          token.text = std::string(p);
          break;
        }
      }
      if (token.kind != TokenKind::kPunct) {
        return SyntaxError(std::string("unexpected character '") + c + "'", i);
      }
      i += token.text.size();
    }
    tokens.push_back(std::move(token));
  }
  Token end;
  end.offset = text.size();
  tokens.push_back(std::move(end));
  return tokens;
}

}  // namespace renkei::notify::expression
