// JOSE parsing and every refusal of JwtVerifier, with keys made in the test by libcrypto
// (RSA 2048, EC P-256, Ed25519) and tokens signed by it.
#include <openssl/core_names.h>
#include <openssl/ecdsa.h>
#include <openssl/evp.h>

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <limits>

#include "auth/base64url.hpp"
#include "auth/compact_jws.hpp"
#include "auth/jwt_verifier.hpp"
#include "auth/public_jwk.hpp"

namespace renkei::auth {
namespace {

namespace json = boost::json;

constexpr std::int64_t kNow = 1'800'000'000;  // seconds
const base::Timestamp kNowMillis{kNow * 1000};

std::string Bn(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  EVP_PKEY_get_bn_param(key, name, &bn);
  std::string bytes(static_cast<std::size_t>(BN_num_bytes(bn)), '\0');
  BN_bn2bin(bn, reinterpret_cast<unsigned char*>(bytes.data()));
  BN_free(bn);
  return bytes;
}

std::string PaddedBn(const BIGNUM* bn) {
  std::string bytes(32, '\0');
  BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(bytes.data()), 32);
  return bytes;
}

struct TestKey {
  std::string kid;
  std::string alg;
  std::shared_ptr<EVP_PKEY> key;

  json::object Jwk() const {
    if (alg == "RS256") {
      return {{"kty", "RSA"},
              {"kid", kid},
              {"n", EncodeBase64Url(Bn(key.get(), "n"))},
              {"e", EncodeBase64Url(Bn(key.get(), "e"))}};
    }
    std::string pub(128, '\0');
    std::size_t length = 0;
    EVP_PKEY_get_octet_string_param(key.get(), OSSL_PKEY_PARAM_PUB_KEY,
                                    reinterpret_cast<unsigned char*>(pub.data()), pub.size(),
                                    &length);
    pub.resize(length);
    if (alg == "ES256") {
      return {{"kty", "EC"},
              {"kid", kid},
              {"crv", "P-256"},
              {"x", EncodeBase64Url(pub.substr(1, 32))},
              {"y", EncodeBase64Url(pub.substr(33, 32))}};
    }
    return {{"kty", "OKP"}, {"kid", kid}, {"crv", "Ed25519"}, {"x", EncodeBase64Url(pub)}};
  }

  std::string Sign(std::string_view input) const {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    EVP_DigestSignInit(ctx, nullptr, alg == "EdDSA" ? nullptr : EVP_sha256(), nullptr, key.get());
    std::size_t length = 0;
    const auto* data = reinterpret_cast<const unsigned char*>(input.data());
    EVP_DigestSign(ctx, nullptr, &length, data, input.size());
    std::string signature(length, '\0');
    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length, data,
                   input.size());
    EVP_MD_CTX_free(ctx);
    signature.resize(length);
    if (alg != "ES256") return signature;
    // DER → JOSE r || s (RFC 7518 §3.4).
    const auto* der = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig = d2i_ECDSA_SIG(nullptr, &der, static_cast<long>(signature.size()));
    std::string jose = PaddedBn(ECDSA_SIG_get0_r(sig)) + PaddedBn(ECDSA_SIG_get0_s(sig));
    ECDSA_SIG_free(sig);
    return jose;
  }

  std::string Token(const json::object& claims, json::object header = {}) const {
    if (!header.contains("alg")) header["alg"] = alg;
    if (!header.contains("kid")) header["kid"] = kid;
    const std::string input =
        EncodeBase64Url(json::serialize(header)) + "." + EncodeBase64Url(json::serialize(claims));
    return input + "." + EncodeBase64Url(Sign(input));
  }
};

TestKey MakeKey(const std::string& kid, const std::string& alg) {
  EVP_PKEY* key = nullptr;
  if (alg == "RS256") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t{2048});
  if (alg == "ES256") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  if (alg == "EdDSA") key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  return TestKey{kid, alg, std::shared_ptr<EVP_PKEY>(key, EvpPkeyFree{})};
}

json::object Claims() {
  return {{"iss", "https://idp.a"},
          {"sub", "resident-1"},
          {"aud", json::array{"renkei"}},
          {"exp", kNow + 300},
          {"iat", kNow - 10},
          {"azp", "app-1"},
          {"acr", "urn:a:card"},
          {"realm", {{"roles", json::array{"reader", "editor"}}}}};
}

class JwtVerifierTest : public ::testing::Test {
 protected:
  void SetUp() override {
    keys_ = {MakeKey("rsa", "RS256"), MakeKey("ec", "ES256"), MakeKey("ed", "EdDSA")};
    json::array set;
    for (const auto& key : keys_) set.push_back(key.Jwk());
    jwks_ = json::serialize(json::object{{"keys", set}});
    TrustedIssuer issuer;
    issuer.issuer = "https://idp.a";
    issuer.audience = "renkei";
    issuer.jwks_url = "http://idp.a/jwks";
    issuer.roles_claim = "realm.roles";
    issuer.acr_levels["urn:a:card"] = 3;
    issuer.jwks_refetch_seconds = 30;
    TrustedIssuersByTenant issuers{{"a", {issuer}}};
    auto verifier = JwtVerifier::Create(
        issuers,
        [this](const std::string&) -> base::Result<std::string> {
          ++fetches_;
          return jwks_;
        },
        JwtVerifierOptions{std::chrono::seconds(0), 0});
    ASSERT_TRUE(verifier);
    verifier_ = std::move(*verifier);
  }

  base::Result<Principal> Verify(const std::string& token, const std::string& tenant = "a",
                                 base::Timestamp now = kNowMillis) {
    Credentials credentials;
    credentials.bearer_token = token;
    auto verified = verifier_->Verify(credentials, tenant, now);
    EXPECT_TRUE(verified.has_value());
    if (!*verified) return base::Fail(verified->error());
    return Principal(***verified);
  }

  void ExpectRefused(const std::string& token, const std::string& detail_part,
                     const std::string& tenant = "a") {
    auto refused = Verify(token, tenant);
    ASSERT_FALSE(refused) << token;
    EXPECT_EQ(refused.error().code, base::ErrorCode::kUnauthorized);
    EXPECT_NE(refused.error().detail.find(detail_part), std::string::npos)
        << refused.error().detail << " lacks " << detail_part;
  }

  std::vector<TestKey> keys_;
  std::string jwks_;
  int fetches_ = 0;
  std::unique_ptr<JwtVerifier> verifier_;
};

TEST(Base64Url, RoundTripsAndRefusesPaddingAndForeignCharacters) {
  for (std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(DecodeBase64Url(EncodeBase64Url(text)), text);
  }
  EXPECT_EQ(EncodeBase64Url("\xfb\xff"), "-_8");
  EXPECT_FALSE(DecodeBase64Url("Zm9v="));
  EXPECT_FALSE(DecodeBase64Url("Zm+v"));
  EXPECT_FALSE(DecodeBase64Url("Z"));
  EXPECT_FALSE(DecodeBase64Url("Zh"));  // non-zero trailing bits: a second encoding of "f"
}

TEST(CompactJws, ReadsHeaderClaimsAndSignature) {
  const std::string token = EncodeBase64Url(R"({"alg":"ES256","kid":"k1"})") + "." +
                            EncodeBase64Url(R"({"sub":"x"})") + "." + EncodeBase64Url("sig");
  auto jws = ParseCompactJws(token);
  ASSERT_TRUE(jws);
  EXPECT_EQ(jws->algorithm, "ES256");
  EXPECT_EQ(jws->key_id, "k1");
  EXPECT_EQ(jws->claims.at("sub").as_string(), "x");
  EXPECT_EQ(jws->signature, "sig");
  EXPECT_EQ(jws->signing_input, token.substr(0, token.rfind('.')));
}

TEST(CompactJws, RefusesMalformedTokens) {
  const std::string header = EncodeBase64Url(R"({"alg":"RS256"})");
  const std::string claims = EncodeBase64Url("{}");
  for (const std::string& token :
       {std::string("abc"), std::string("a.b"), header + "." + claims + ".s.x.y",
        "!!." + claims + ".c2ln", EncodeBase64Url("[]") + "." + claims + ".c2ln",
        EncodeBase64Url("{}") + "." + claims + ".c2ln",
        EncodeBase64Url(R"({"alg":"RS256","crit":["b64"]})") + "." + claims + ".c2ln",
        EncodeBase64Url(R"({"alg":"RS256","kid":7})") + "." + claims + ".c2ln",
        header + "." + EncodeBase64Url("not json") + ".c2ln",
        header + "." + claims + ".c2ln=", std::string(kMaxTokenBytes + 1, 'a')}) {
    auto parsed = ParseCompactJws(token);
    ASSERT_FALSE(parsed) << token.substr(0, 80);
    EXPECT_EQ(parsed.error().code, base::ErrorCode::kUnauthorized);
  }
}

TEST(PublicJwk, RefusesPrivateKeysAndSkipsUnusableOnes) {
  EXPECT_FALSE(ParseJwks("[]"));
  EXPECT_FALSE(ParseJwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"AA","d":"AA"}]})"));
  auto skipped = ParseJwks(
      R"({"keys":[{"kty":"oct","k":"c2VjcmV0"},{"kty":"RSA","n":"AQAB","e":"AQAB"},
                  {"kty":"EC","crv":"P-256","x":"AA","y":"AA"},
                  {"kty":"OKP","crv":"Ed25519","x":"AA","use":"enc"}]})");
  ASSERT_TRUE(skipped);
  EXPECT_TRUE(skipped->empty());  // symmetric, RSA under 2048 bits, off-curve, not for sig
}

TEST_F(JwtVerifierTest, AcceptsEachAlgorithmAndMapsTheClaims) {
  for (const auto& key : keys_) {
    auto principal = Verify(key.Token(Claims()));
    ASSERT_TRUE(principal) << key.alg << ": " << principal.error().detail;
    EXPECT_EQ(principal->kind, PrincipalKind::kBearerToken);
    EXPECT_EQ(principal->subject, "resident-1");
    EXPECT_EQ(principal->client_id, "app-1");
    EXPECT_EQ(principal->issuer, "https://idp.a");
    EXPECT_EQ(principal->tenant, "a");
    EXPECT_EQ(principal->roles, (std::vector<std::string>{"reader", "editor"}));
    EXPECT_EQ(principal->assurance_level, 3);
  }
  auto claims = Claims();
  claims["acr"] = "urn:unknown";
  claims["realm"] = {{"roles", "a b"}};
  claims.erase("azp");
  claims["client_id"] = "app-2";
  auto principal = Verify(keys_[0].Token(claims));
  ASSERT_TRUE(principal);
  EXPECT_EQ(principal->assurance_level, 0);
  EXPECT_EQ(principal->roles, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(principal->client_id, "app-2");
}

TEST_F(JwtVerifierTest, RefusesEachBrokenRule) {
  const TestKey& rsa = keys_[0];
  const TestKey other = MakeKey("rsa", "RS256");
  ExpectRefused(other.Token(Claims()), "signature does not verify");
  auto claims = Claims();
  claims["exp"] = kNow - 61;
  ExpectRefused(rsa.Token(claims), "expired");
  claims = Claims();
  claims["nbf"] = kNow + 61;
  ExpectRefused(rsa.Token(claims), "not yet valid");
  claims = Claims();
  claims["iat"] = kNow + 61;
  ExpectRefused(rsa.Token(claims), "future");
  claims = Claims();
  claims["aud"] = "someone";
  ExpectRefused(rsa.Token(claims), "audience");
  claims = Claims();
  claims["iss"] = "https://idp.b";
  ExpectRefused(rsa.Token(claims), "issuer is not trusted");
  ExpectRefused(rsa.Token(Claims()), "trusts no token issuer", "b");
  ExpectRefused(rsa.Token(Claims(), {{"alg", "none"}}), "alg 'none'");
  ExpectRefused(rsa.Token(Claims(), {{"alg", "HS256"}}), "symmetric");
  ExpectRefused(rsa.Token(Claims(), {{"alg", "PS256"}}), "not supported");
  ExpectRefused(keys_[1].Token(Claims(), {{"kid", "rsa"}}), "no key of the issuer");
  claims = Claims();
  claims["exp"] = std::numeric_limits<std::int64_t>::max();
  ExpectRefused(rsa.Token(claims), "numeric 'exp'");
  claims["exp"] = "tomorrow";
  ExpectRefused(rsa.Token(claims), "numeric 'exp'");
  claims = Claims();
  claims.erase("sub");
  ExpectRefused(rsa.Token(claims), "'sub'");
}

TEST_F(JwtVerifierTest, WithinTheClockSkewTimesAreAccepted) {
  auto claims = Claims();
  claims["exp"] = kNow - 59;
  claims["nbf"] = kNow + 59;
  EXPECT_TRUE(Verify(keys_[0].Token(claims)));
}

TEST_F(JwtVerifierTest, UnknownKidsRefetchTheKeySetAtMostOncePerInterval) {
  EXPECT_TRUE(Verify(keys_[2].Token(Claims())));
  EXPECT_EQ(fetches_, 1);
  const TestKey rotated = MakeKey("new", "EdDSA");
  for (int i = 0; i < 5; ++i) ExpectRefused(rotated.Token(Claims()), "no key of the issuer");
  EXPECT_EQ(fetches_, 1);  // the first fetch was just now: none within 30 s
  jwks_ = json::serialize(json::object{{"keys", json::array{rotated.Jwk()}}});
  EXPECT_TRUE(Verify(rotated.Token(Claims()), "a", base::Timestamp{kNowMillis.millis + 30000}));
  EXPECT_EQ(fetches_, 2);
}

TEST(VerifiedTokenCache, KeepsPrincipalsUntilTheEarlierOfExpiryAndTtl) {
  VerifiedTokenCache cache(std::chrono::seconds(60), 2);
  auto principal = std::make_shared<Principal>();
  principal->subject = "s";
  cache.Remember("a", "t1", principal, base::Timestamp{10'000}, base::Timestamp{0});
  EXPECT_EQ(cache.Find("a", "t1", base::Timestamp{10'000}), principal);  // shared, not copied
  EXPECT_FALSE(cache.Find("a", "t1", base::Timestamp{10'001}));          // the token's expiry
  EXPECT_FALSE(cache.Find("b", "t1", base::Timestamp{0}));               // another tenant
  cache.Remember("a", "t2", principal, base::Timestamp{1'000'000}, base::Timestamp{0});
  EXPECT_TRUE(cache.Find("a", "t2", base::Timestamp{60'000}));
  EXPECT_FALSE(cache.Find("a", "t2", base::Timestamp{60'001}));  // the TTL
}

TEST(VerifiedTokenCache, StaysWithinItsCapacityOverAllTenants) {
  VerifiedTokenCache cache(std::chrono::seconds(60), 2);
  auto principal = std::make_shared<Principal>();
  cache.Remember("a", "t1", principal, base::Timestamp{5'000}, base::Timestamp{0});
  cache.Remember("b", "t1", principal, base::Timestamp{100'000}, base::Timestamp{0});
  // Full: the expired entry of tenant a makes room, b's live one stays.
  cache.Remember("a", "t2", principal, base::Timestamp{100'000}, base::Timestamp{10'000});
  EXPECT_FALSE(cache.Find("a", "t1", base::Timestamp{4'000}));
  EXPECT_TRUE(cache.Find("b", "t1", base::Timestamp{10'000}));
  EXPECT_TRUE(cache.Find("a", "t2", base::Timestamp{10'000}));
  // Full of live entries: everything goes, and the new one is kept.
  cache.Remember("c", "t3", principal, base::Timestamp{100'000}, base::Timestamp{10'000});
  EXPECT_FALSE(cache.Find("b", "t1", base::Timestamp{10'000}));
  EXPECT_FALSE(cache.Find("a", "t2", base::Timestamp{10'000}));
  EXPECT_TRUE(cache.Find("c", "t3", base::Timestamp{10'000}));
}

}  // namespace
}  // namespace renkei::auth
