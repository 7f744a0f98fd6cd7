// AccessCache: what a shared principal may do in a tenant (auth::Access), remembered for the
// policy it was worked out from. A bearer token's principal is shared by every request that
// presents the token (verified_token_cache.hpp), so its permissions are evaluated once per
// policy version instead of once per request (issue 5: authentication on a GET by id within
// 15% of the same GET without it, bench/auth_bench.py).
//
// An entry counts only while the tenant's policy is the very object it was computed for:
// policies are immutable and a replacement is a new object (service/policy_service.hpp), so
// a changed policy applies to the next request with nothing to invalidate. Entries hold
// their principal and policy, so neither address can be reused while an entry names it.
// Bounded: at `capacity` entries the cache is cleared. Thread-safe.
#pragma once

#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/personal_types.hpp"
#include "auth/policy.hpp"
#include "auth/principal.hpp"

namespace renkei::auth {

// What a request may do once its principal is known (docs/security.md): its permissions
// under the tenant's policy and the tenant's personal types, from one policy lookup.
struct Access {
  std::shared_ptr<const Permissions> permissions;
  std::shared_ptr<const PersonalTypes> personal_types;  // never nullptr
};

class AccessCache {
 public:
  explicit AccessCache(std::size_t capacity) : capacity_(capacity) {}

  std::optional<Access> Find(const SharedPrincipal& principal, std::string_view tenant,
                             const std::shared_ptr<const Policy>& policy) const;
  void Remember(SharedPrincipal principal, std::string_view tenant,
                std::shared_ptr<const Policy> policy, Access access);

 private:
  struct Entry {
    SharedPrincipal principal;
    std::string tenant;
    std::shared_ptr<const Policy> policy;
    Access access;
  };

  const std::size_t capacity_;
  mutable std::mutex mu_;  // guards entries_
  // By principal: a token's principal belongs to one tenant, so one entry each is enough.
  std::unordered_map<const Principal*, Entry> entries_;
};

}  // namespace renkei::auth
