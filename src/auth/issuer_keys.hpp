// IssuerKeys: the public keys of one trusted issuer, from a JWKS file (read once, at start)
// or a JWKS URL (fetched when first needed, cached, refetched when a token names an unknown
// `kid` or the set is older than its max age: key rotation, OIDC Core §10.1.1).
//
// A URL is fetched at most once per `refetch_interval`, whatever the tokens ask for, so
// tokens with made-up `kid`s cannot make renkei hammer the IdP; a failed fetch keeps the
// keys it had. Thread-safe: Keys may be called from any thread; one fetch runs at a time,
// on the calling thread (bounded by the fetcher's timeout), others use the keys they have.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "auth/public_jwk.hpp"
#include "base/result.hpp"
#include "base/time.hpp"

namespace renkei::auth {

// GETs a URL and answers its body (app wires it to http::Client).
using JwksFetcher = std::function<base::Result<std::string>(const std::string& url)>;

using KeyList = std::vector<PublicJwk>;

class IssuerKeys {
 public:
  // kInvalidRequest naming the file when it cannot be read or is not a JWKS.
  static base::Result<std::unique_ptr<IssuerKeys>> FromFile(const std::string& path);
  IssuerKeys(std::string url, JwksFetcher fetcher, std::chrono::seconds refetch_interval,
             std::chrono::seconds max_age);

  // The current keys, refreshed first when allowed and `key_id` is not among them (or the
  // set is stale). Never null; empty when no key could be obtained.
  std::shared_ptr<const KeyList> Keys(const std::optional<std::string>& key_id,
                                      base::Timestamp now);
  // How many fetches were attempted (tests, metrics).
  int FetchAttempts() const;

 private:
  explicit IssuerKeys(KeyList keys);
  bool NeedsRefresh(const std::optional<std::string>& key_id, base::Timestamp now) const;
  bool MayFetch(base::Timestamp now) const;

  const std::string url_;  // "" for a file
  const JwksFetcher fetcher_;
  const std::int64_t refetch_interval_ms_ = 0;
  const std::int64_t max_age_ms_ = 0;
  std::mutex fetch_mu_;    // held for a whole fetch: one at a time
  mutable std::mutex mu_;  // guards the members below
  std::shared_ptr<const KeyList> keys_;
  std::optional<base::Timestamp> fetched_at_;
  std::optional<base::Timestamp> last_attempt_;
  int attempts_ = 0;
};

}  // namespace renkei::auth
