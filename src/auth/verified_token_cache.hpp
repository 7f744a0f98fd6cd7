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
#include <cstdint>
#include <functional>
#include <mutex>
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

  // The principal remembered for `token` in `tenant`, shared with every other request that
  // presents it; nullptr when none is (or it is past its time).
  SharedPrincipal Find(std::string_view tenant, std::string_view token, base::Timestamp now) const;
  void Remember(std::string_view tenant, std::string_view token, SharedPrincipal principal,
                base::Timestamp expires, base::Timestamp now);

 private:
  struct Entry {
    SharedPrincipal principal;
    base::Timestamp until;
  };
  // Looked up by string_view: a request's token (about a kilobyte) is neither copied nor
  // joined to its tenant name to find its entry.
  struct TransparentHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const {
      return std::hash<std::string_view>{}(text);
    }
  };
  template <typename Value>
  using ByName = std::unordered_map<std::string, Value, TransparentHash, std::equal_to<>>;

  void MakeRoom(base::Timestamp now);

  const std::int64_t ttl_ms_;
  const std::size_t capacity_;
  mutable std::mutex mu_;            // guards the members below
  ByName<ByName<Entry>> by_tenant_;  // tenant → token → entry
  std::size_t size_ = 0;             // entries over all tenants
};

}  // namespace renkei::auth
