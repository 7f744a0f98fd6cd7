#include "notify/subscription_registry.hpp"

#include <algorithm>

#include "notify/subscription_codec.hpp"

namespace renkei::notify {

base::Result<std::vector<std::string>> SubscriptionRegistry::Load(store::SubscriptionStore& store) {
  RENKEI_TRY(auto records, store.LoadSubscriptions());
  std::vector<std::string> skipped;
  for (auto& record : records) {
    auto sub = DecodeSubscription(record.document);
    if (!sub) {
      skipped.push_back(record.id + ": " + sub.error().detail);
      continue;
    }
    sub->id = record.id;
    auto compiled = CompiledSubscription::Compile(record.tenant, std::move(*sub));
    if (!compiled) {
      skipped.push_back(record.id + ": " + compiled.error().detail);
      continue;
    }
    std::lock_guard lock(mu_);
    ++generation_;
    may_select_.erase(record.tenant);
    NotePeriodic(**compiled);
    tenants_[record.tenant][record.id] =
        Entry{{std::move(*compiled), record.state.status}, record.state.last_notification};
  }
  return skipped;
}

void SubscriptionRegistry::Put(std::shared_ptr<const CompiledSubscription> compiled,
                               std::string status) {
  std::lock_guard lock(mu_);
  const std::string tenant = compiled->tenant();
  const std::string id = compiled->subscription().id;
  ++generation_;
  may_select_.erase(tenant);
  NotePeriodic(*compiled);
  auto& entry = tenants_[tenant][id];
  entry.sub = RegisteredSubscription{std::move(compiled), std::move(status)};
}

void SubscriptionRegistry::Remove(const std::string& tenant, const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  ++generation_;
  may_select_.erase(tenant);
  periodic_.erase({tenant, id});
  it->second.erase(id);
  if (it->second.empty()) tenants_.erase(it);
}

void SubscriptionRegistry::SetStatus(const std::string& tenant, const std::string& id,
                                     const std::string& status) {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  if (auto e = it->second.find(id); e != it->second.end()) e->second.sub.status = status;
}

std::vector<RegisteredSubscription> SubscriptionRegistry::ForTenant(
    const std::string& tenant) const {
  std::vector<RegisteredSubscription> out;
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& [id, entry] : it->second) out.push_back(entry.sub);
  return out;
}

void SubscriptionRegistry::NotePeriodic(const CompiledSubscription& compiled) {
  const Subscription& sub = compiled.subscription();
  std::pair<std::string, std::string> key{compiled.tenant(), sub.id};
  if (sub.ld && sub.ld->time_interval) {
    periodic_.insert(std::move(key));
  } else {
    periodic_.erase(key);
  }
}

std::vector<RegisteredSubscription> SubscriptionRegistry::Periodic() const {
  std::vector<RegisteredSubscription> out;
  std::lock_guard lock(mu_);
  out.reserve(periodic_.size());
  for (const auto& [tenant, id] : periodic_) {
    auto subs = tenants_.find(tenant);
    if (subs == tenants_.end()) continue;
    if (auto e = subs->second.find(id); e != subs->second.end()) out.push_back(e->second.sub);
  }
  return out;
}

bool SubscriptionRegistry::MaySelect(const std::string& tenant, std::string_view entity_id) const {
  std::lock_guard lock(mu_);
  auto subs = tenants_.find(tenant);
  if (subs == tenants_.end()) return false;
  auto index = may_select_.find(tenant);
  if (index == may_select_.end()) {
    CandidateIndex built;
    for (const auto& [id, entry] : subs->second) built.Add(entry.sub.compiled->subscription());
    index = may_select_.emplace(tenant, std::move(built)).first;
  }
  return index->second.Any(entity_id);
}

std::uint64_t SubscriptionRegistry::Generation() const {
  std::lock_guard lock(mu_);
  return generation_;
}

std::optional<RegisteredSubscription> SubscriptionRegistry::Find(const std::string& tenant,
                                                                 const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return std::nullopt;
  auto e = it->second.find(id);
  if (e == it->second.end()) return std::nullopt;
  return e->second.sub;
}

bool SubscriptionRegistry::Throttled(const std::string& tenant, const std::string& id,
                                     std::int64_t seconds, base::Timestamp now) {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return false;
  auto e = it->second.find(id);
  if (e == it->second.end()) return false;
  auto& last = e->second.last_notified;
  if (seconds > 0 && last && now.millis - last->millis < seconds * 1000) return true;
  last = now;
  return false;
}

void SubscriptionRegistry::AddInFlight(const std::string& tenant, const std::string& id,
                                       std::int64_t count) {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  auto e = it->second.find(id);
  if (e == it->second.end()) return;
  // Never below zero: a subscription removed and made again meanwhile starts afresh.
  e->second.in_flight = std::max<std::int64_t>(0, e->second.in_flight + count);
}

std::int64_t SubscriptionRegistry::InFlight(const std::string& tenant,
                                            const std::string& id) const {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return 0;
  auto e = it->second.find(id);
  return e == it->second.end() ? 0 : e->second.in_flight;
}

}  // namespace renkei::notify
