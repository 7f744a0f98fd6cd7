// Counters: what the platform did since it started, for GET /metrics (docs/metrics.md).
// Owned by app/serve.cpp and passed by reference to whoever counts; no globals.
//  - HTTP requests by dialect (the path prefix decides) and status class (1xx..5xx);
//  - notifications per tenant: sent (acknowledged by the receiver), failed (attempts that
//    failed), retried (failed attempts that will be tried again), dropped (given up:
//    retries exhausted or a target no receiver accepts);
//  - notifications dropped because a tenant's outbox was full (a total: the store reports
//    one count per matching round, not per tenant);
//  - requests refused by a rate limit, per tenant and scope ("tenant" or "client").
// Thread-safety: every method may be called from any thread; request counts are atomics,
// the per-tenant notification and rate-limit maps are guarded by mutexes.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/exposition.hpp"

namespace renkei::metrics {

enum class Dialect { kNgsiV2, kNgsiLd, kOther };
// kWithheld: not sent because the subscription's owner may no longer read what it notifies
// (docs/subscriptions.md "Who a subscription notifies for"); neither a success nor a failure.
enum class NotificationEvent { kSent, kFailed, kRetried, kDropped, kWithheld };

class Counters {
 public:
  void CountRequest(Dialect dialect, unsigned status);
  void CountNotification(const std::string& tenant, NotificationEvent event);
  void CountOutboxFullDrops(std::uint64_t dropped);
  void CountRateLimited(const std::string& tenant, std::string_view scope);

  // The counters as metric families (renkei_http_requests_total, renkei_notifications_*).
  std::vector<MetricFamily> Families() const;

 private:
  static constexpr std::size_t kDialects = 3;
  static constexpr std::size_t kClasses = 5;  // 1xx .. 5xx
  std::array<std::array<std::atomic<std::uint64_t>, kClasses>, kDialects> requests_{};
  std::atomic<std::uint64_t> outbox_full_drops_{0};

  mutable std::mutex notifications_mu_;  // guards notifications_
  std::map<std::string, std::array<std::uint64_t, 5>> notifications_;

  mutable std::mutex rate_limited_mu_;  // guards rate_limited_
  std::map<std::pair<std::string, std::string>, std::uint64_t> rate_limited_;
};

}  // namespace renkei::metrics
