#include "opendata/quality_json.hpp"

#include <algorithm>
#include <charconv>

#include <boost/json.hpp>

#include "opendata/import_report.hpp"
#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;

base::Unexpected BadParameter(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

base::Result<std::size_t> ParseCount(std::string_view name, std::string_view text, std::size_t min,
                                     std::size_t max) {
  std::size_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return BadParameter("'" + std::string(name) + "' must be an integer from " +
                        std::to_string(min) + " to " + std::to_string(max) + ", got '" +
                        std::string(text) + "'");
  }
  return value;
}

json::object DatasetJson(const DatasetQuality& report, const FailurePage& page) {
  json::object o;
  o["dataset"] = report.definition.name;
  o["title"] = report.definition.title;
  o["entityType"] = report.definition.entity_type;
  o["records"] = report.records;
  o["withLocation"] = report.with_location;
  o["updateCycleDays"] = report.definition.update_cycle_days;
  if (report.oldest_update) o["oldestUpdate"] = base::FormatIso8601(*report.oldest_update);
  if (report.newest_update) o["newestUpdate"] = base::FormatIso8601(*report.newest_update);
  if (report.reference) {
    o["reference"] = json::object{{"source", report.reference->source},
                                  {"latitude", report.reference->point.lat},
                                  {"longitude", report.reference->point.lon},
                                  {"radiusKm", report.reference->radius_km}};
  }
  json::array required;
  for (const auto& r : report.definition.required) required.emplace_back(r.attribute);
  o["requiredAttributes"] = std::move(required);
  o["scores"] = json::object{{"completeness", report.scores.completeness},
                             {"freshness", report.scores.freshness},
                             {"accuracy", report.scores.accuracy},
                             {"overall", report.scores.overall}};
  json::array checks;
  for (const auto& c : report.checks) {
    checks.push_back(json::object{{"check", c.check},
                                  {"dimension", DimensionName(c.dimension)},
                                  {"checked", c.checked},
                                  {"failed", c.failed}});
  }
  o["checks"] = std::move(checks);
  json::array failures;
  std::size_t matching = 0;
  for (const auto& f : report.failures) {
    if (page.check && f.check != *page.check) continue;
    const std::size_t index = matching++;
    if (index < page.offset || index >= page.offset + page.limit) continue;
    json::object item{
        {"entityId", f.entity_id},  {"check", f.check}, {"dimension", DimensionName(f.dimension)},
        {"attribute", f.attribute}, {"value", f.value}, {"reason", f.reason}};
    if (f.line) item["line"] = *f.line;
    if (!f.file.empty()) item["file"] = f.file;
    if (f.imported_at) item["importedAt"] = base::FormatIso8601(*f.imported_at);
    failures.push_back(std::move(item));
  }
  o["failureCount"] = matching;
  o["failures"] = std::move(failures);
  return o;
}

}  // namespace

base::Result<bool> ApplyFailurePageParameter(std::string_view name, std::string_view value,
                                             FailurePage& page) {
  if (name == "check") {
    const auto names = QualityCheckNames();
    if (std::find(names.begin(), names.end(), value) == names.end()) {
      std::string list;
      for (auto n : names) list += (list.empty() ? "" : ", ") + std::string(n);
      return BadParameter("unknown check '" + std::string(value) + "' (one of: " + list + ")");
    }
    page.check = std::string(value);
  } else if (name == "limit") {
    RENKEI_TRY(page.limit, ParseCount(name, value, 1, kMaxFailureLimit));
  } else if (name == "offset") {
    RENKEI_TRY(page.offset, ParseCount(name, value, 0, kMaxFailureOffset));
  } else {
    return false;
  }
  return true;
}

json::object QualityReportJson(const std::string& tenant, base::Timestamp generated_at,
                               const std::vector<DatasetQuality>& reports,
                               const FailurePage& page) {
  json::object o;
  o["tenant"] = tenant;
  if (IsValidMunicipalityCode(tenant)) {
    o["municipalityCode"] = tenant;
  } else {
    o["municipalityCode"] = nullptr;
  }
  o["generatedAt"] = base::FormatIso8601(generated_at);
  o["offset"] = page.offset;
  o["limit"] = page.limit;
  json::array datasets;
  for (const auto& report : reports) datasets.push_back(DatasetJson(report, page));
  o["datasets"] = std::move(datasets);
  return o;
}

json::object FileQualityReportJson(const std::string& tenant, base::Timestamp generated_at,
                                   const FileQuality& file, const FailurePage& page,
                                   const std::optional<std::string>& path) {
  json::object report = QualityReportJson(tenant, generated_at, {file.report}, page);
  json::object about;
  if (path) about["path"] = *path;
  about["encoding"] = EncodingName(file.encoding);
  about["layout"] = file.layout_name;
  about["rowsRead"] = file.rows_read;
  about["skipped"] = file.skipped;
  about["rejected"] = RowIssuesJson(file.rejected);
  about["warnings"] = RowIssuesJson(file.warnings);
  report["file"] = std::move(about);
  return report;
}

}  // namespace renkei::opendata
