// GET /metrics: the platform's counters and the notification backlog in the Prometheus text
// exposition format (docs/metrics.md). An admin endpoint: errors are RFC 9457 ProblemDetails
// (405 for another method, 500 when the store cannot be read). It names every tenant, so once
// any tenant has authentication on it answers a platform operator only (401/403 otherwise,
// docs/security.md "Platform-wide operations").
// Thread-safety: may be called concurrently (Counters and the store are thread-safe).
#pragma once

#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "metrics/counters.hpp"
#include "store/sqlite/write_log.hpp"
#include "store/subscription_store.hpp"

namespace renkei::app {

inline constexpr const char* kMetricsPath = "/metrics";

// `store_gauges`: gauges of the store backend itself (WriteLogGauges), added as they are.
http::Response MetricsResponse(const http::Request& request, const metrics::Counters& counters,
                               store::SubscriptionStore& store,
                               const auth::Authenticator* authenticator, base::Timestamp now,
                               std::vector<metrics::MetricFamily> store_gauges = {});

// The write log's backlog as gauges (docs/metrics.md); none when the log is off.
std::vector<metrics::MetricFamily> WriteLogGauges(
    const std::optional<store::sqlite::WriteLogStats>& backlog);
// The value indexes the store is building (ADR 0018), as a gauge.
std::vector<metrics::MetricFamily> ValueIndexGauges(std::size_t building);

// The dialect a request path belongs to (for the request counters): NGSI-LD by its prefix,
// "other" for /metrics, NGSIv2 for everything else (as serve dispatches).
metrics::Dialect DialectOfPath(std::string_view path);

}  // namespace renkei::app
