#include "auth/public_jwk.hpp"

#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/param_build.h>

#include <boost/json.hpp>

#include "auth/base64url.hpp"

namespace renkei::auth {
namespace {

namespace json = boost::json;

struct ParamBuildFree {
  void operator()(OSSL_PARAM_BLD* build) const { OSSL_PARAM_BLD_free(build); }
};
struct ParamFree {
  void operator()(OSSL_PARAM* params) const { OSSL_PARAM_free(params); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* ctx) const { EVP_PKEY_CTX_free(ctx); }
};
struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using Bignum = std::unique_ptr<BIGNUM, BnFree>;

constexpr int kMinRsaBits = 2048;
constexpr std::size_t kP256CoordinateBytes = 32;
constexpr std::size_t kEd25519KeyBytes = 32;

base::Unexpected JwksError(std::string detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidJwks", std::move(detail));
}

std::optional<std::string> Member(const json::object& jwk, std::string_view name) {
  const auto* value = jwk.if_contains(name);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->as_string());
}

std::optional<std::string> DecodedMember(const json::object& jwk, std::string_view name) {
  auto text = Member(jwk, name);
  return text ? DecodeBase64Url(*text) : std::nullopt;
}

Bignum ToBignum(const std::string& big_endian) {
  return Bignum(BN_bin2bn(reinterpret_cast<const unsigned char*>(big_endian.data()),
                          static_cast<int>(big_endian.size()), nullptr));
}

// OpenSSL 3 builds a public key from its parameters (EVP_PKEY_fromdata(3)).
std::shared_ptr<EVP_PKEY> KeyFromParams(const char* type, OSSL_PARAM_BLD* build) {
  std::unique_ptr<OSSL_PARAM, ParamFree> params(OSSL_PARAM_BLD_to_param(build));
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_from_name(nullptr, type, nullptr));
  EVP_PKEY* key = nullptr;
  if (!params || !ctx || EVP_PKEY_fromdata_init(ctx.get()) != 1 ||
      EVP_PKEY_fromdata(ctx.get(), &key, EVP_PKEY_PUBLIC_KEY, params.get()) != 1) {
    return nullptr;
  }
  return std::shared_ptr<EVP_PKEY>(key, EvpPkeyFree{});
}

std::shared_ptr<EVP_PKEY> RsaKey(const json::object& jwk) {
  auto n = DecodedMember(jwk, "n");
  auto e = DecodedMember(jwk, "e");
  if (!n || !e || n->empty() || e->empty()) return nullptr;
  Bignum modulus = ToBignum(*n);
  Bignum exponent = ToBignum(*e);
  if (!modulus || !exponent || BN_num_bits(modulus.get()) < kMinRsaBits) return nullptr;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> build(OSSL_PARAM_BLD_new());
  if (!build || OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_N, modulus.get()) != 1 ||
      OSSL_PARAM_BLD_push_BN(build.get(), OSSL_PKEY_PARAM_RSA_E, exponent.get()) != 1) {
    return nullptr;
  }
  return KeyFromParams("RSA", build.get());
}

std::shared_ptr<EVP_PKEY> P256Key(const json::object& jwk) {
  auto x = DecodedMember(jwk, "x");
  auto y = DecodedMember(jwk, "y");
  if (Member(jwk, "crv") != "P-256" || !x || !y || x->size() != kP256CoordinateBytes ||
      y->size() != kP256CoordinateBytes) {
    return nullptr;
  }
  // SEC 1 §2.3.3: the uncompressed point 0x04 || X || Y; fromdata checks it is on the curve.
  std::string point = "\x04" + *x + *y;
  std::unique_ptr<OSSL_PARAM_BLD, ParamBuildFree> build(OSSL_PARAM_BLD_new());
  if (!build ||
      OSSL_PARAM_BLD_push_utf8_string(build.get(), OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0) !=
          1 ||
      OSSL_PARAM_BLD_push_octet_string(build.get(), OSSL_PKEY_PARAM_PUB_KEY, point.data(),
                                       point.size()) != 1) {
    return nullptr;
  }
  return KeyFromParams("EC", build.get());
}

std::shared_ptr<EVP_PKEY> Ed25519Key(const json::object& jwk) {
  auto x = DecodedMember(jwk, "x");
  if (Member(jwk, "crv") != "Ed25519" || !x || x->size() != kEd25519KeyBytes) return nullptr;
  EVP_PKEY* key = EVP_PKEY_new_raw_public_key(
      EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(x->data()), x->size());
  return key == nullptr ? nullptr : std::shared_ptr<EVP_PKEY>(key, EvpPkeyFree{});
}

std::optional<PublicJwk> ReadKey(const json::object& jwk) {
  if (auto use = Member(jwk, "use"); use && *use != "sig") return std::nullopt;
  PublicJwk key;
  key.key_id = Member(jwk, "kid").value_or("");
  key.key_type = Member(jwk, "kty").value_or("");
  if (auto alg = Member(jwk, "alg")) {
    auto accepted = AcceptedAlgorithm(*alg);
    if (!accepted) return std::nullopt;  // a key for an algorithm we refuse is never used
    key.algorithm = *accepted;
  }
  if (key.key_type == "RSA") {
    key.key = RsaKey(jwk);
  } else if (key.key_type == "EC") {
    key.key = P256Key(jwk);
  } else if (key.key_type == "OKP") {
    key.key = Ed25519Key(jwk);
  }
  if (!key.key) {
    ERR_clear_error();  // see jws_algorithm.cpp: the queue is per thread and shared with TLS
    return std::nullopt;
  }
  return key;
}

}  // namespace

bool PublicJwk::Fits(JwsAlgorithm token_algorithm) const {
  if (algorithm && *algorithm != token_algorithm) return false;
  switch (token_algorithm) {
    case JwsAlgorithm::kRs256:
      return key_type == "RSA";
    case JwsAlgorithm::kEs256:
      return key_type == "EC";
    case JwsAlgorithm::kEdDsa:
      return key_type == "OKP";
  }
  return false;
}

base::Result<std::vector<PublicJwk>> ParseJwks(std::string_view text) {
  boost::system::error_code ec;
  json::value value = json::parse(text, ec);
  const json::object* set = ec ? nullptr : value.if_object();
  const json::value* keys = set == nullptr ? nullptr : set->if_contains("keys");
  if (keys == nullptr || !keys->is_array()) {
    return JwksError("not a JSON Web Key Set (an object with a 'keys' array)");
  }
  std::vector<PublicJwk> result;
  for (const auto& entry : keys->as_array()) {
    const auto* jwk = entry.if_object();
    if (jwk == nullptr) return JwksError("a member of 'keys' is not an object");
    // RFC 7518 §6.2.2/§6.3.2, RFC 8037 §2: `d` (and RSA's p, q, …) are private.
    if (jwk->contains("d")) return JwksError("the key set holds a private key ('d')");
    if (auto key = ReadKey(*jwk)) result.push_back(std::move(*key));
  }
  return result;
}

}  // namespace renkei::auth
