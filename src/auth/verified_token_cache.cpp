#include "auth/verified_token_cache.hpp"

#include <algorithm>

namespace renkei::auth {

std::string VerifiedTokenCache::Key(std::string_view tenant, std::string_view token) {
  // Tenant names never hold a space (api/common/tenant_headers), so the key is unambiguous.
  std::string key;
  key.reserve(tenant.size() + 1 + token.size());
  key.append(tenant).append(" ").append(token);
  return key;
}

std::optional<Principal> VerifiedTokenCache::Find(std::string_view tenant, std::string_view token,
                                                  base::Timestamp now) const {
  if (capacity_ == 0) return std::nullopt;
  const std::string key = Key(tenant, token);
  std::lock_guard lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now > it->second.until) return std::nullopt;
  return it->second.principal;
}

void VerifiedTokenCache::Remember(std::string_view tenant, std::string_view token,
                                  const Principal& principal, base::Timestamp expires,
                                  base::Timestamp now) {
  if (capacity_ == 0 || ttl_ms_ <= 0) return;
  const base::Timestamp until{std::min(expires.millis, now.millis + ttl_ms_)};
  std::lock_guard lock(mu_);
  if (entries_.size() >= capacity_) {
    std::erase_if(entries_, [now](const auto& entry) { return now > entry.second.until; });
    if (entries_.size() >= capacity_) entries_.clear();
  }
  entries_.insert_or_assign(Key(tenant, token), Entry{principal, until});
}

}  // namespace renkei::auth
