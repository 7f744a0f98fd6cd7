// The data quality report as JSON (docs/data-quality.md "Report"), the body of
// GET /admin/v1/quality and the output of `renkei quality --json`. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/time.hpp"
#include "opendata/quality_report.hpp"

namespace renkei::opendata {

// Which failing records each dataset lists: `limit` of them from `offset`, optionally of
// one check only. Counts are always complete.
struct FailurePage {
  std::size_t offset = 0;
  std::size_t limit = 100;
  std::optional<std::string> check;
};
inline constexpr std::size_t kMaxFailureLimit = 1000;

boost::json::object QualityReportJson(const std::string& tenant, base::Timestamp generated_at,
                                      const std::vector<DatasetQuality>& reports,
                                      const FailurePage& page);

}  // namespace renkei::opendata
