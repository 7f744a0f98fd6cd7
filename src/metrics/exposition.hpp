// The Prometheus text exposition format, version 0.0.4 (prometheus.io "Exposition formats"):
// per metric family a `# HELP` and a `# TYPE` line, then one `name{labels} value` line per
// sample. Label values are escaped (backslash, double quote, line feed) as the format asks.
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace renkei::metrics {

inline constexpr const char* kExpositionContentType = "text/plain; version=0.0.4; charset=utf-8";

struct Sample {
  std::vector<std::pair<std::string, std::string>> labels;
  double value = 0;
};

enum class MetricType { kCounter, kGauge };

struct MetricFamily {
  std::string name;  // [a-zA-Z_:][a-zA-Z0-9_:]*
  std::string help;
  MetricType type = MetricType::kCounter;
  std::vector<Sample> samples;
};

std::string RenderExposition(const std::vector<MetricFamily>& families);

}  // namespace renkei::metrics
