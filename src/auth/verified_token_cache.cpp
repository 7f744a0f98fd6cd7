#include "auth/verified_token_cache.hpp"

#include <algorithm>
#include <utility>

namespace renkei::auth {

SharedPrincipal VerifiedTokenCache::Find(std::string_view tenant, std::string_view token,
                                         base::Timestamp now) const {
  if (capacity_ == 0) return nullptr;
  std::lock_guard lock(mu_);
  const auto tokens = by_tenant_.find(tenant);
  if (tokens == by_tenant_.end()) return nullptr;
  const auto entry = tokens->second.find(token);
  if (entry == tokens->second.end() || now > entry->second.until) return nullptr;
  return entry->second.principal;
}

void VerifiedTokenCache::Remember(std::string_view tenant, std::string_view token,
                                  SharedPrincipal principal, base::Timestamp expires,
                                  base::Timestamp now) {
  if (capacity_ == 0 || ttl_ms_ <= 0) return;
  const base::Timestamp until{std::min(expires.millis, now.millis + ttl_ms_)};
  std::lock_guard lock(mu_);
  if (size_ >= capacity_) MakeRoom(now);
  auto tokens = by_tenant_.find(tenant);
  if (tokens == by_tenant_.end()) tokens = by_tenant_.try_emplace(std::string(tenant)).first;
  const auto [entry, added] =
      tokens->second.insert_or_assign(std::string(token), Entry{std::move(principal), until});
  if (added) ++size_;
}

void VerifiedTokenCache::MakeRoom(base::Timestamp now) {
  size_ = 0;
  for (auto& [tenant, tokens] : by_tenant_) {
    std::erase_if(tokens, [now](const auto& entry) { return now > entry.second.until; });
    size_ += tokens.size();
  }
  std::erase_if(by_tenant_, [](const auto& tenant) { return tenant.second.empty(); });
  if (size_ >= capacity_) {
    by_tenant_.clear();
    size_ = 0;
  }
}

}  // namespace renkei::auth
