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
    Entry& entry = tenants_[record.tenant][record.id];
    entry = Entry{};
    entry.sub = {std::move(*compiled), record.state.status};
    entry.last_notified = record.state.last_notification;
  }
  return skipped;
}

void SubscriptionRegistry::Supersede(const std::string& tenant, const std::string& id,
                                     std::optional<RegisteredSubscription> before,
                                     std::int64_t journal_position) {
  if (journal_position <= released_through_) return;  // no row up to it is left to match
  superseded_[{tenant, id}].push_back(Superseded{journal_position, std::move(before)});
}

void SubscriptionRegistry::Put(std::shared_ptr<const CompiledSubscription> compiled,
                               std::string status, std::int64_t journal_position) {
  std::lock_guard lock(mu_);
  const std::string tenant = compiled->tenant();
  const std::string id = compiled->subscription().id;
  ++generation_;
  may_select_.erase(tenant);
  NotePeriodic(*compiled);
  auto [it, created] = tenants_[tenant].try_emplace(id);
  Entry& entry = it->second;
  Supersede(tenant, id, created ? std::nullopt : std::optional(entry.sub), journal_position);
  entry.sub = RegisteredSubscription{std::move(compiled), std::move(status)};
}

void SubscriptionRegistry::Remove(const std::string& tenant, const std::string& id,
                                  std::int64_t journal_position) {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  auto e = it->second.find(id);
  if (e == it->second.end()) return;
  ++generation_;
  may_select_.erase(tenant);
  periodic_.erase({tenant, id});
  Supersede(tenant, id, e->second.sub, journal_position);
  it->second.erase(e);
  if (it->second.empty()) tenants_.erase(it);
}

void SubscriptionRegistry::SetStatus(const std::string& tenant, const std::string& id,
                                     const std::string& status) {
  std::lock_guard lock(mu_);
  if (auto old = superseded_.find({tenant, id}); old != superseded_.end()) {
    for (auto& version : old->second) {
      if (version.sub) version.sub->status = status;
    }
  }
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  if (auto e = it->second.find(id); e != it->second.end()) e->second.sub.status = status;
}

std::optional<RegisteredSubscription> SubscriptionRegistry::FindFor(const std::string& tenant,
                                                                    const std::string& id,
                                                                    std::int64_t seq) const {
  {
    std::lock_guard lock(mu_);
    if (auto old = superseded_.find({tenant, id}); old != superseded_.end()) {
      for (const auto& version : old->second) {
        if (seq <= version.through) return version.sub;
      }
    }
  }
  return Find(tenant, id);
}

void SubscriptionRegistry::ReleaseThrough(std::int64_t seq) {
  std::lock_guard lock(mu_);
  released_through_ = std::max(released_through_, seq);
  for (auto it = superseded_.begin(); it != superseded_.end();) {
    std::erase_if(it->second, [seq](const Superseded& v) { return v.through <= seq; });
    if (it->second.empty()) {
      ++generation_;  // matching's candidate index may shrink
      it = superseded_.erase(it);
    } else {
      ++it;
    }
  }
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

std::vector<RegisteredSubscription> SubscriptionRegistry::ForMatching(
    const std::string& tenant) const {
  std::vector<RegisteredSubscription> out = ForTenant(tenant);
  std::lock_guard lock(mu_);
  for (auto it = superseded_.lower_bound({tenant, std::string()});
       it != superseded_.end() && it->first.first == tenant; ++it) {
    for (const auto& version : it->second) {
      if (version.sub) out.push_back(*version.sub);
    }
  }
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
                                       std::int64_t count, base::Timestamp sent_at) {
  {
    std::lock_guard lock(mu_);
    auto it = tenants_.find(tenant);
    if (it == tenants_.end()) return;
    auto e = it->second.find(id);
    if (e == it->second.end()) return;
    // Never below zero: a subscription removed and made again meanwhile starts afresh.
    e->second.in_flight = std::max<std::int64_t>(0, e->second.in_flight + count);
    if (count > 0) e->second.in_flight_since = sent_at;
  }
  if (count < 0) answers_.notify_all();
}

void SubscriptionRegistry::AwaitAnswers(const std::string& tenant, const std::string& id,
                                        std::chrono::milliseconds bound) const {
  std::unique_lock lock(mu_);
  answers_.wait_for(lock, bound, [&] {
    const auto it = tenants_.find(tenant);
    if (it == tenants_.end()) return true;
    const auto e = it->second.find(id);
    return e == it->second.end() || e->second.in_flight == 0;
  });
}

void SubscriptionRegistry::NoteOutcome(const std::string& tenant, const std::string& id,
                                       const store::DeliveryRecord& attempt, std::int64_t answered,
                                       std::int64_t failed) {
  if (attempt.withheld) return;
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return;
  auto e = it->second.find(id);
  if (e == it->second.end()) return;
  store::DeliveryRecord kept;
  kept.at = attempt.at;
  kept.delivered = attempt.delivered;
  kept.status_code = attempt.status_code;
  kept.failure_reason = attempt.failure_reason;
  e->second.last_answered = std::move(kept);
  e->second.answered = answered;
  e->second.answered_failed = failed;
}

store::SubscriptionState SubscriptionRegistry::WithUncommitted(
    const std::string& tenant, const std::string& id, store::SubscriptionState stored) const {
  std::lock_guard lock(mu_);
  auto it = tenants_.find(tenant);
  if (it == tenants_.end()) return stored;
  auto e = it->second.find(id);
  if (e == it->second.end()) return stored;
  const Entry& entry = e->second;
  auto newer = [&](base::Timestamp t) {
    return !stored.last_notification || *stored.last_notification < t;
  };
  if (const auto& answered = entry.last_answered; answered && newer(answered->at)) {
    // Not committed yet (the commit writes the attempt's time as lastNotification): its
    // group is still counted here, and only here.
    stored.times_sent += entry.answered;
    stored.last_notification = answered->at;
    if (answered->delivered) {
      stored.last_success = answered->at;
      stored.last_success_code = answered->status_code;
      stored.fails_counter = 0;
    } else {
      stored.last_failure = answered->at;
      stored.last_failure_reason = answered->failure_reason;
      stored.fails_counter += entry.answered_failed;
      stored.times_failed += entry.answered_failed;
    }
  }
  if (entry.in_flight > 0) {
    stored.times_sent += entry.in_flight;
    if (newer(entry.in_flight_since)) stored.last_notification = entry.in_flight_since;
  }
  return stored;
}

}  // namespace renkei::notify
