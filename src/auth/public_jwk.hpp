// Public keys from a JSON Web Key Set (RFC 7517 §5) as an issuer publishes it at its
// jwks_uri (OpenID Connect Discovery §3): RSA (RFC 7518 §6.3.1, n and e), EC P-256
// (§6.2.1, x and y) and OKP Ed25519 (RFC 8037 §2, x). Each becomes an OpenSSL EVP_PKEY once,
// when the set is read, so verifying a token builds no key.
//
// Keys skipped (not an error: a set may hold keys for other uses): `use` other than "sig",
// other key types or curves, private members present (`d`: a set that leaks a private key is
// refused as a whole), RSA moduli under 2048 bits (RFC 7518 §3.3).
#pragma once

#include <openssl/evp.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/jws_algorithm.hpp"
#include "base/result.hpp"

namespace renkei::auth {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* key) const { EVP_PKEY_free(key); }
};

struct PublicJwk {
  std::string key_id;                     // `kid`; "" when the set does not name it
  std::string key_type;                   // `kty`: RSA, EC or OKP
  std::optional<JwsAlgorithm> algorithm;  // `alg` when the set pins one
  std::shared_ptr<EVP_PKEY> key;

  // RFC 8725 §3.1: a key is used only with the algorithm family of its type (and its own
  // `alg` when it names one), so an RSA key never verifies an ES256 or HS256 token.
  bool Fits(JwsAlgorithm token_algorithm) const;
};

// kInvalidRequest when `text` is not a JWKS (`{"keys": [...]}`) or holds a private key.
// An empty result is valid (an IdP between key rotations).
base::Result<std::vector<PublicJwk>> ParseJwks(std::string_view text);

}  // namespace renkei::auth
