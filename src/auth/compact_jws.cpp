#include "auth/compact_jws.hpp"

#include "auth/base64url.hpp"

namespace renkei::auth {
namespace {

namespace json = boost::json;

base::Result<json::object> DecodeJsonObject(std::string_view part, std::string_view what) {
  auto bytes = DecodeBase64Url(part);
  if (!bytes) return TokenRefused("the token's " + std::string(what) + " is not base64url");
  boost::system::error_code ec;
  json::value value = json::parse(*bytes, ec);
  if (ec || !value.is_object()) {
    return TokenRefused("the token's " + std::string(what) + " is not a JSON object");
  }
  return std::move(value.as_object());
}

}  // namespace

base::Unexpected TokenRefused(std::string detail) {
  return base::Fail(base::ErrorCode::kUnauthorized, "InvalidToken", std::move(detail));
}

base::Result<CompactJws> ParseCompactJws(std::string_view token) {
  if (token.size() > kMaxTokenBytes) {
    return TokenRefused("the token is longer than " + std::to_string(kMaxTokenBytes) + " bytes");
  }
  const std::size_t first_dot = token.find('.');
  const std::size_t second_dot =
      first_dot == std::string_view::npos ? first_dot : token.find('.', first_dot + 1);
  if (second_dot == std::string_view::npos || token.find('.', second_dot + 1) != token.npos) {
    // RFC 7516 tokens (five parts) are encrypted: we accept signed tokens only.
    return TokenRefused("the token is not a signed JWT (header.payload.signature)");
  }
  CompactJws jws;
  RENKEI_TRY(json::object header, DecodeJsonObject(token.substr(0, first_dot), "header"));
  const auto* alg = header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) {
    return TokenRefused("the token's header has no 'alg'");
  }
  jws.algorithm = std::string(alg->as_string());
  if (header.contains("crit")) {
    return TokenRefused("the token's header lists critical extensions ('crit'), none supported");
  }
  if (const auto* kid = header.if_contains("kid")) {
    if (!kid->is_string()) return TokenRefused("the token's 'kid' is not a string");
    jws.key_id = std::string(kid->as_string());
  }
  RENKEI_TRY(jws.claims,
             DecodeJsonObject(token.substr(first_dot + 1, second_dot - first_dot - 1), "payload"));
  auto signature = DecodeBase64Url(token.substr(second_dot + 1));
  if (!signature) return TokenRefused("the token's signature is not base64url");
  jws.signature = std::move(*signature);
  jws.signing_input = token.substr(0, second_dot);
  return jws;
}

}  // namespace renkei::auth
