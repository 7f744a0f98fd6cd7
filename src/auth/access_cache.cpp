#include "auth/access_cache.hpp"

#include <utility>

namespace renkei::auth {

std::optional<Access> AccessCache::Find(const SharedPrincipal& principal, std::string_view tenant,
                                        const std::shared_ptr<const Policy>& policy) const {
  std::lock_guard lock(mu_);
  const auto found = entries_.find(principal.get());
  if (found == entries_.end() || found->second.policy != policy || found->second.tenant != tenant) {
    return std::nullopt;
  }
  return found->second.access;
}

void AccessCache::Remember(SharedPrincipal principal, std::string_view tenant,
                           std::shared_ptr<const Policy> policy, Access access) {
  if (capacity_ == 0) return;
  const Principal* key = principal.get();
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_ && !entries_.contains(key)) entries_.clear();
  entries_.insert_or_assign(
      key, Entry{std::move(principal), std::string(tenant), std::move(policy), std::move(access)});
}

}  // namespace renkei::auth
