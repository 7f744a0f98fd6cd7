#include "metrics/counters.hpp"

namespace renkei::metrics {
namespace {

constexpr std::array<std::string_view, 3> kDialectNames = {"ngsiv2", "ngsi-ld", "other"};

struct NotificationMetric {
  NotificationEvent event;
  const char* name;
  const char* help;
};

constexpr std::array<NotificationMetric, 5> kNotificationMetrics = {{
    {NotificationEvent::kSent, "renkei_notifications_sent_total",
     "Notifications the receiver acknowledged (HTTP 2xx, MQTT acknowledged per qos)."},
    {NotificationEvent::kFailed, "renkei_notifications_failed_total",
     "Delivery attempts that failed (non-2xx answer, no answer, refused address)."},
    {NotificationEvent::kRetried, "renkei_notifications_retried_total",
     "Failed delivery attempts whose notification stays queued for another attempt."},
    {NotificationEvent::kDropped, "renkei_notifications_dropped_total",
     "Notifications given up after failing: retries exhausted or a target no receiver "
     "accepts."},
    {NotificationEvent::kWithheld, "renkei_notifications_withheld_total",
     "Notifications not sent because the subscription's owner may no longer read the "
     "entities (policy changed, key revoked), at matching or right before delivery."},
}};

}  // namespace

void Counters::CountRequest(Dialect dialect, unsigned status) {
  std::size_t status_class = status / 100;
  if (status_class < 1 || status_class > kClasses) status_class = kClasses;  // nonsense: 5xx
  requests_[static_cast<std::size_t>(dialect)][status_class - 1].fetch_add(
      1, std::memory_order_relaxed);
}

void Counters::CountNotification(const std::string& tenant, NotificationEvent event) {
  std::lock_guard lock(notifications_mu_);
  ++notifications_[tenant][static_cast<std::size_t>(event)];
}

void Counters::CountOutboxFullDrops(std::uint64_t dropped) {
  outbox_full_drops_.fetch_add(dropped, std::memory_order_relaxed);
}

void Counters::CountRateLimited(const std::string& tenant, std::string_view scope) {
  std::lock_guard lock(rate_limited_mu_);
  ++rate_limited_[{tenant, std::string(scope)}];
}

std::vector<MetricFamily> Counters::Families() const {
  std::vector<MetricFamily> out;
  MetricFamily requests{"renkei_http_requests_total",
                        "HTTP requests answered, by API dialect and status class.",
                        MetricType::kCounter,
                        {}};
  for (std::size_t d = 0; d < kDialects; ++d) {
    for (std::size_t c = 0; c < kClasses; ++c) {
      requests.samples.push_back(Sample{
          {{"dialect", std::string(kDialectNames[d])}, {"code", std::to_string(c + 1) + "xx"}},
          static_cast<double>(requests_[d][c].load(std::memory_order_relaxed))});
    }
  }
  out.push_back(std::move(requests));
  {
    std::lock_guard lock(notifications_mu_);
    for (const auto& metric : kNotificationMetrics) {
      MetricFamily family{metric.name, metric.help, MetricType::kCounter, {}};
      for (const auto& [tenant, counts] : notifications_) {
        family.samples.push_back(
            Sample{{{"tenant", tenant}},
                   static_cast<double>(counts[static_cast<std::size_t>(metric.event)])});
      }
      out.push_back(std::move(family));
    }
  }
  out.push_back(MetricFamily{
      "renkei_notifications_outbox_full_dropped_total",
      "Notifications not queued because their tenant's outbox was full (all tenants).",
      MetricType::kCounter,
      {Sample{{}, static_cast<double>(outbox_full_drops_.load(std::memory_order_relaxed))}}});
  {
    MetricFamily limited{"renkei_ratelimit_refused_total",
                         "Requests refused with 429 by a rate limit, by tenant and by the limit "
                         "that refused them (tenant or client).",
                         MetricType::kCounter,
                         {}};
    std::lock_guard lock(rate_limited_mu_);
    for (const auto& [key, count] : rate_limited_) {
      limited.samples.push_back(
          Sample{{{"tenant", key.first}, {"scope", key.second}}, static_cast<double>(count)});
    }
    out.push_back(std::move(limited));
  }
  return out;
}

}  // namespace renkei::metrics
