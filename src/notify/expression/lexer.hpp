// Tokens of a JEXL expression (Orion API manual, "JEXL support in custom notifications";
// TomFrost/Jexl's grammar): numbers, strings in ' or ", identifiers and the operators and
// punctuation. `true`, `false`, `null` and `in` come out as identifiers; the parser gives
// them their meaning. Identifiers may hold any non-ASCII byte, so attribute names in
// Japanese (UTF-8) can be named. Pure; thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace renkei::notify::expression {

enum class TokenKind { kNumber, kString, kIdentifier, kPunct, kEnd };

struct Token {
  TokenKind kind = TokenKind::kEnd;
  std::string text;     // identifier name, string contents (unescaped) or the punctuation
  double number = 0.0;  // kNumber
  std::size_t offset = 0;
};

// The tokens of `text`, ending with one kEnd. kBadRequestData for an unterminated string
// or a character that starts no token (unary minus is not a token of its own: `-1` is the
// operator `-` then 1, as in Orion, whose "known limitations" say `A||-1` fails).
base::Result<std::vector<Token>> Lex(std::string_view text);

}  // namespace renkei::notify::expression
