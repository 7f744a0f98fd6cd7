// VerifiedTokenCache: principals of tokens that passed every check, by tenant and exact token
// string, until min(the token's expiry, now + ttl) (docs/adr/0007: verifying a signature
// costs more than serving a GET by id; a client sends the same token many times).
//
// Only accepted tokens are cached: refusals are recomputed, so garbage cannot fill it.
// Bounded: at `capacity` entries, expired ones are dropped, and if none had expired the
// whole cache is cleared (simple, and an attacker needs valid tokens to fill it).
// Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/principal.hpp"
#include "base/time.hpp"

namespace renkei::auth {

class VerifiedTokenCache {
 public:
  VerifiedTokenCache(std::chrono::seconds ttl, std::size_t capacity)
      : ttl_ms_(std::chrono::milliseconds(ttl).count()), capacity_(capacity) {}

  std::optional<Principal> Find(std::string_view tenant, std::string_view token,
                                base::Timestamp now) const;
  void Remember(std::string_view tenant, std::string_view token, const Principal& principal,
                base::Timestamp expires, base::Timestamp now);

 private:
  struct Entry {
    Principal principal;
    base::Timestamp until;
  };
  static std::string Key(std::string_view tenant, std::string_view token);

  const std::int64_t ttl_ms_;
  const std::size_t capacity_;
  mutable std::mutex mu_;  // guards entries_
  std::unordered_map<std::string, Entry> entries_;
};

}  // namespace renkei::auth
