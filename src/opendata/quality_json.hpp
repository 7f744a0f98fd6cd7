// The data quality report as JSON (docs/data-quality.md "Report"), the body of
// GET /admin/v1/quality and POST /admin/v1/opendata/quality and the output of
// `renkei quality --json`. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <boost/json/object.hpp>

#include "base/result.hpp"
#include "base/time.hpp"
#include "opendata/quality_file.hpp"
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
inline constexpr std::size_t kMaxFailureOffset = 1'000'000'000;

// Applies one query parameter of the page (`check`, `limit` 1–kMaxFailureLimit, `offset`
// 0–kMaxFailureOffset) to `page`: false when `name` is none of them, kBadRequestData for a
// bad value.
base::Result<bool> ApplyFailurePageParameter(std::string_view name, std::string_view value,
                                             FailurePage& page);

boost::json::object QualityReportJson(const std::string& tenant, base::Timestamp generated_at,
                                      const std::vector<DatasetQuality>& reports,
                                      const FailurePage& page);

// The report of a checked file (docs/data-quality.md "Checking a file"): QualityReportJson
// of its one dataset plus `file`: encoding, layout, rowsRead, skipped, rejected and
// warnings (each line, column, reason), and `path` when given.
boost::json::object FileQualityReportJson(const std::string& tenant, base::Timestamp generated_at,
                                          const FileQuality& file, const FailurePage& page,
                                          const std::optional<std::string>& path);

}  // namespace renkei::opendata
