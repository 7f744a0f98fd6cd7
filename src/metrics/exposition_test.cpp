#include "metrics/exposition.hpp"

#include <gtest/gtest.h>

#include "metrics/counters.hpp"

namespace renkei::metrics {
namespace {

TEST(ExpositionTest, RendersHelpTypeAndEscapedLabels) {
  std::vector<MetricFamily> families = {
      {"x_total", "Line one\nback\\slash", MetricType::kCounter, {{{{"t", "a\"b\\c\nd"}}, 3}}},
      {"y", "A gauge.", MetricType::kGauge, {{{}, 0.5}}}};
  EXPECT_EQ(RenderExposition(families),
            "# HELP x_total Line one\\nback\\\\slash\n"
            "# TYPE x_total counter\n"
            "x_total{t=\"a\\\"b\\\\c\\nd\"} 3\n"
            "# HELP y A gauge.\n"
            "# TYPE y gauge\n"
            "y 0.5\n");
}

TEST(CountersTest, CountsByDialectClassAndTenant) {
  Counters counters;
  counters.CountRequest(Dialect::kNgsiLd, 201);
  counters.CountRequest(Dialect::kNgsiLd, 204);
  counters.CountRequest(Dialect::kNgsiV2, 404);
  counters.CountNotification("t1", NotificationEvent::kSent);
  counters.CountNotification("t1", NotificationEvent::kSent);
  counters.CountNotification("t2", NotificationEvent::kDropped);
  const std::string text = RenderExposition(counters.Families());
  EXPECT_NE(text.find("renkei_http_requests_total{dialect=\"ngsi-ld\",code=\"2xx\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("renkei_http_requests_total{dialect=\"ngsiv2\",code=\"4xx\"} 1\n"),
            std::string::npos);
  EXPECT_NE(text.find("renkei_notifications_sent_total{tenant=\"t1\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("renkei_notifications_sent_total{tenant=\"t2\"} 0\n"), std::string::npos);
  EXPECT_NE(text.find("renkei_notifications_dropped_total{tenant=\"t2\"} 1\n"), std::string::npos);
}

}  // namespace
}  // namespace renkei::metrics
