#include "app/metrics_endpoint.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "api/common/problem_details.hpp"
#include "api/common/request_auth.hpp"
#include "api/ngsild/ngsild_api.hpp"

namespace renkei::app {
metrics::Dialect DialectOfPath(std::string_view path) {
  // The same split as serve's dispatch: the NGSI-LD prefix, this endpoint and the admin ones,
  // NGSIv2 for the rest.
  if (path.starts_with(api::ngsild::kLdPathPrefix) || path == "/ngsi-ld/v1") {
    return metrics::Dialect::kNgsiLd;
  }
  // This endpoint and the admin endpoints (/admin/v1/...) speak neither dialect.
  if (path == kMetricsPath || path.starts_with("/admin/")) return metrics::Dialect::kOther;
  return metrics::Dialect::kNgsiV2;
}

http::Response MetricsResponse(const http::Request& request, const metrics::Counters& counters,
                               store::SubscriptionStore& store,
                               const auth::Authenticator* authenticator, base::Timestamp now,
                               std::vector<metrics::MetricFamily> store_gauges) {
  if (request.method != "GET") {
    auto response = api::common::ProblemResponse(
        405, "MethodNotAllowed", "only GET is supported on " + std::string(kMetricsPath));
    response.Set("Allow", "GET");
    return response;
  }
  service::RequestContext ctx;  // no tenant: the platform's own endpoint
  ctx.now = now;
  if (auto allowed = api::common::RequirePlatformOperator(authenticator, request, ctx); !allowed) {
    return api::common::ProblemResponse(allowed.error(), std::string(kMetricsPath));
  }
  auto backlog = store.LoadNotifyBacklog();
  if (!backlog) {
    return api::common::ProblemResponse(
        500, "InternalError", "cannot read the notification backlog: " + backlog.error().detail);
  }
  std::vector<metrics::MetricFamily> families = counters.Families();
  metrics::MetricFamily subscriptions{
      "renkei_subscriptions", "Stored subscriptions.", metrics::MetricType::kGauge, {}};
  metrics::MetricFamily outbox{"renkei_notify_outbox_depth",
                               "Notifications waiting in the outbox (queued or being retried).",
                               metrics::MetricType::kGauge,
                               {}};
  metrics::MetricFamily journal{
      "renkei_notify_matching_lag",
      "Committed entity changes in the journal not yet matched against subscriptions.",
      metrics::MetricType::kGauge,
      {}};
  for (const auto& tenant : *backlog) {
    subscriptions.samples.push_back(
        {{{"tenant", tenant.tenant}}, static_cast<double>(tenant.subscriptions)});
    outbox.samples.push_back({{{"tenant", tenant.tenant}}, static_cast<double>(tenant.outbox)});
    journal.samples.push_back({{{"tenant", tenant.tenant}}, static_cast<double>(tenant.journal)});
  }
  families.push_back(std::move(subscriptions));
  families.push_back(std::move(outbox));
  families.push_back(std::move(journal));
  for (auto& family : store_gauges) families.push_back(std::move(family));
  http::Response response;
  response.body = metrics::RenderExposition(families);
  response.Set("Content-Type", metrics::kExpositionContentType);
  return response;
}

std::vector<metrics::MetricFamily> ValueIndexGauges(std::size_t building) {
  return {metrics::MetricFamily{"renkei_store_value_indexes_building",
                                "Attribute-value indexes being built, after a first query on "
                                "their attribute name (store.value_index = on_demand).",
                                metrics::MetricType::kGauge,
                                {{{}, static_cast<double>(building)}}}};
}

std::vector<metrics::MetricFamily> WriteLogGauges(
    const std::optional<store::sqlite::WriteLogStats>& backlog) {
  if (!backlog) return {};
  auto gauge = [](const char* name, const char* help, double value) {
    return metrics::MetricFamily{name, help, metrics::MetricType::kGauge, {{{}, value}}};
  };
  std::vector<metrics::MetricFamily> out;
  out.push_back(gauge("renkei_store_unapplied_records",
                      "Write units acknowledged from the write log and not yet applied to the "
                      "tables.",
                      static_cast<double>(backlog->unapplied_records)));
  out.push_back(gauge("renkei_store_unapplied_entities",
                      "Entities held in memory until the applier writes them (back-pressure "
                      "above store.max_overlay).",
                      static_cast<double>(backlog->unapplied_entities)));
  out.push_back(gauge("renkei_store_unapplied_bytes",
                      "Encoded size of those entities (back-pressure above "
                      "store.max_overlay_mib).",
                      static_cast<double>(backlog->unapplied_bytes)));
  return out;
}

}  // namespace renkei::app
