// The JWS algorithms renkei accepts (RFC 7518 §3.1, RFC 8037 §3.1) and the signature check
// for each, on OpenSSL 3 libcrypto (docs/adr/0007).
//
// Accepted: RS256, ES256, EdDSA (Ed25519). Refused by name: `none` (an unsigned token),
// HS256/384/512 (a shared secret: with public keys as the only key material, accepting HS*
// is the classic RS/HS confusion where the public key becomes the "secret"), and everything
// else (PS*, RS384/512, ES384/512: no IdP of ours issues them yet).
#pragma once

#include <openssl/evp.h>

#include <string_view>

#include "base/result.hpp"

namespace renkei::auth {

enum class JwsAlgorithm { kRs256, kEs256, kEdDsa };

// kUnauthorized with a detail a client can act on for a refused `alg`.
base::Result<JwsAlgorithm> AcceptedAlgorithm(std::string_view alg);
std::string_view AlgorithmName(JwsAlgorithm algorithm);

// Whether `signature` (JOSE form: PKCS#1 v1.5 bytes, ES256 r||s of 64 bytes, Ed25519 64
// bytes) signs `signing_input` under `key` with `algorithm`. The caller has checked that the
// key's type fits the algorithm (PublicJwk::Fits). Thread-safe: `key` is only read.
bool VerifyJwsSignature(JwsAlgorithm algorithm, EVP_PKEY* key, std::string_view signing_input,
                        std::string_view signature);

}  // namespace renkei::auth
