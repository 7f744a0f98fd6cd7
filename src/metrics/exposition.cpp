#include "metrics/exposition.hpp"

#include <cmath>
#include <cstdio>

namespace renkei::metrics {
namespace {

// Help text escapes backslash and line feed; label values also the double quote.
std::string Escape(const std::string& text, bool quote) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (quote && c == '"') {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

std::string FormatValue(double value) {
  // Counts are integers: print them without an exponent or a fraction.
  if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 1e15) {
    return std::to_string(static_cast<long long>(value));
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

}  // namespace

std::string RenderExposition(const std::vector<MetricFamily>& families) {
  std::string out;
  for (const auto& family : families) {
    out += "# HELP " + family.name + " " + Escape(family.help, false) + "\n";
    out += "# TYPE " + family.name + " " +
           (family.type == MetricType::kCounter ? "counter" : "gauge") + "\n";
    for (const auto& sample : family.samples) {
      out += family.name;
      if (!sample.labels.empty()) {
        out += "{";
        for (std::size_t i = 0; i < sample.labels.size(); ++i) {
          if (i > 0) out += ",";
          out += sample.labels[i].first + "=\"" + Escape(sample.labels[i].second, true) + "\"";
        }
        out += "}";
      }
      out += " " + FormatValue(sample.value) + "\n";
    }
  }
  return out;
}

}  // namespace renkei::metrics
