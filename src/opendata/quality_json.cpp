#include "opendata/quality_json.hpp"

#include <boost/json.hpp>

#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;

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
    failures.push_back(std::move(item));
  }
  o["failureCount"] = matching;
  o["failures"] = std::move(failures);
  return o;
}

}  // namespace

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

}  // namespace renkei::opendata
