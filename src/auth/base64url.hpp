// base64url (RFC 4648 §5) without padding, as JOSE writes every part of a token and every
// JWK number (RFC 7515 §2 "Base64url Encoding").
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace renkei::auth {

// nullopt when `text` holds a character outside the URL-safe alphabet, padding, or a length
// no encoding produces (one leftover character).
std::optional<std::string> DecodeBase64Url(std::string_view text);
std::string EncodeBase64Url(std::string_view bytes);

}  // namespace renkei::auth
