// A JSON Web Signature in compact serialization (RFC 7515 §7.1): header.payload.signature,
// each base64url. Parsing checks the shape only; the signature is verified by
// VerifyJwsSignature with a key the token does not choose (jwt_verifier.hpp).
//
// Refused here (kUnauthorized, detail for the client): more than kMaxTokenBytes, not three
// parts, bad base64url, a header or payload that is not a JSON object, a header without
// `alg`, and any `crit` header (RFC 7515 §4.1.11: we understand no extension, so a token
// that requires one must be refused). Header parameters that name keys (`jku`, `jwk`,
// `x5u`, `x5c`) are ignored: keys come only from the issuer's configured JWKS.
#pragma once

#include <boost/json.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace renkei::auth {

// Larger than any access token an IdP issues (Keycloak's with many roles stay under 4 KiB);
// bounds the work an unauthenticated caller can ask for.
inline constexpr std::size_t kMaxTokenBytes = 16 * 1024;

struct CompactJws {
  std::string algorithm;              // the header's `alg`, as written
  std::optional<std::string> key_id;  // the header's `kid`
  boost::json::object claims;         // the payload (a JWT claims set, RFC 7519 §4)
  std::string_view signing_input;     // "header.payload" inside the parsed token
  std::string signature;              // raw bytes
};

// `token` must outlive the result (signing_input views it).
base::Result<CompactJws> ParseCompactJws(std::string_view token);

// The error every refusal of a token carries: 401, title "InvalidToken".
base::Unexpected TokenRefused(std::string detail);

}  // namespace renkei::auth
