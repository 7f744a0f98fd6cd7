// auth_verify_bench: CPU cost of auth::JwtVerifier::Verify for one token, with the cache of
// accepted tokens off (a full verification: parse, key lookup, signature, claims) and on
// (docs/adr/0007). The token and JWKS come from bench/auth_bench.py (openssl CLI keys).
//
//   auth_verify_bench JWKS_FILE ISSUER TOKEN_FILE [ITERATIONS]
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include "auth/jwt_verifier.hpp"

namespace {

double MicrosPerVerify(const renkei::auth::JwtVerifier& verifier, const std::string& token,
                       int iterations) {
  renkei::auth::Credentials credentials;
  credentials.bearer_token = token;
  const renkei::base::Timestamp now{std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count()};
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < iterations; ++i) {
    auto verified = verifier.Verify(credentials, "bench", now);
    if (!verified || !*verified) {
      std::fprintf(stderr, "token refused: %s\n",
                   verified ? verified->error().detail.c_str() : "not a bearer token");
      return -1;
    }
  }
  const std::chrono::duration<double, std::micro> elapsed =
      std::chrono::steady_clock::now() - start;
  return elapsed.count() / iterations;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: auth_verify_bench JWKS_FILE ISSUER TOKEN_FILE [ITERATIONS]\n");
    return 2;
  }
  std::ifstream in(argv[3]);
  std::ostringstream text;
  text << in.rdbuf();
  const std::string token = text.str();
  const int iterations = argc > 4 ? std::stoi(argv[4]) : 2000;
  renkei::auth::TrustedIssuer issuer;
  issuer.issuer = argv[2];
  issuer.audience = "renkei";
  issuer.jwks_file = argv[1];
  const renkei::auth::TrustedIssuersByTenant issuers{{"bench", {issuer}}};
  for (const int ttl : {0, 60}) {
    auto verifier = renkei::auth::JwtVerifier::Create(
        issuers, nullptr, renkei::auth::JwtVerifierOptions{std::chrono::seconds(ttl), 10000});
    if (!verifier) {
      std::fprintf(stderr, "%s\n", verifier.error().detail.c_str());
      return 1;
    }
    std::printf("%s: %.2f us/verify\n", ttl == 0 ? "uncached" : "cached",
                MicrosPerVerify(**verifier, token, iterations));
  }
  return 0;
}
