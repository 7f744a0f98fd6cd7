#include "auth/jws_algorithm.hpp"

#include <openssl/bn.h>
#include <openssl/ecdsa.h>
#include <openssl/err.h>

#include <memory>
#include <string>

#include "auth/compact_jws.hpp"

namespace renkei::auth {
namespace {

struct MdCtxFree {
  void operator()(EVP_MD_CTX* ctx) const { EVP_MD_CTX_free(ctx); }
};
struct EcdsaSigFree {
  void operator()(ECDSA_SIG* sig) const { ECDSA_SIG_free(sig); }
};

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// RFC 7518 §3.4: an ES256 signature is R and S as 32-byte big-endian integers, concatenated;
// OpenSSL verifies the DER SEQUENCE of two INTEGERs (SEC 1 §C.8).
std::string JoseEcdsaToDer(std::string_view signature) {
  constexpr std::size_t kHalf = 32;
  if (signature.size() != 2 * kHalf) return {};
  std::unique_ptr<ECDSA_SIG, EcdsaSigFree> sig(ECDSA_SIG_new());
  BIGNUM* r = BN_bin2bn(Bytes(signature), kHalf, nullptr);
  BIGNUM* s = BN_bin2bn(Bytes(signature.substr(kHalf)), kHalf, nullptr);
  if (!sig || r == nullptr || s == nullptr || ECDSA_SIG_set0(sig.get(), r, s) != 1) {
    BN_free(r);
    BN_free(s);
    return {};
  }
  const int length = i2d_ECDSA_SIG(sig.get(), nullptr);
  if (length <= 0) return {};
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* out = reinterpret_cast<unsigned char*>(der.data());
  if (i2d_ECDSA_SIG(sig.get(), &out) != length) return {};
  return der;
}

}  // namespace

base::Result<JwsAlgorithm> AcceptedAlgorithm(std::string_view alg) {
  if (alg == "RS256") return JwsAlgorithm::kRs256;
  if (alg == "ES256") return JwsAlgorithm::kEs256;
  if (alg == "EdDSA") return JwsAlgorithm::kEdDsa;
  // RFC 8725 §3.1-3.2: verifiers must not accept `none`, nor let the token pick a symmetric
  // algorithm for a public key.
  if (alg == "none") return TokenRefused("unsigned tokens (alg 'none') are refused");
  if (alg.starts_with("HS")) {
    return TokenRefused("symmetric algorithms (" + std::string(alg) +
                        ") are refused; sign with RS256, ES256 or EdDSA");
  }
  return TokenRefused("alg '" + std::string(alg) +
                      "' is not supported; sign with RS256, ES256 or EdDSA");
}

std::string_view AlgorithmName(JwsAlgorithm algorithm) {
  switch (algorithm) {
    case JwsAlgorithm::kRs256:
      return "RS256";
    case JwsAlgorithm::kEs256:
      return "ES256";
    case JwsAlgorithm::kEdDsa:
      return "EdDSA";
  }
  return "";
}

bool VerifyJwsSignature(JwsAlgorithm algorithm, EVP_PKEY* key, std::string_view signing_input,
                        std::string_view signature) {
  std::string der;
  if (algorithm == JwsAlgorithm::kEs256) {
    der = JoseEcdsaToDer(signature);
    if (der.empty()) return false;
    signature = der;
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx) return false;
  // Ed25519 hashes internally (RFC 8032 §5.1): no digest is named, one-shot only.
  const EVP_MD* digest = algorithm == JwsAlgorithm::kEdDsa ? nullptr : EVP_sha256();
  const bool valid = EVP_DigestVerifyInit(ctx.get(), nullptr, digest, nullptr, key) == 1 &&
                     EVP_DigestVerify(ctx.get(), Bytes(signature), signature.size(),
                                      Bytes(signing_input), signing_input.size()) == 1;
  // A failed check leaves entries on this thread's OpenSSL error queue, which the TLS
  // connection served next on the same thread would misread as its own.
  if (!valid) ERR_clear_error();
  return valid;
}

}  // namespace renkei::auth
