#include "app/quality_command.hpp"

#include <algorithm>
#include <iomanip>
#include <ostream>
#include <sstream>

#include <boost/json.hpp>

#include "api/common/tenant_headers.hpp"
#include "app/cli_store.hpp"
#include "base/file_contents.hpp"
#include "core/json_text.hpp"
#include "opendata/layout_file.hpp"
#include "opendata/municipality_code.hpp"
#include "opendata/quality_file.hpp"
#include "opendata/quality_json.hpp"
#include "opendata/quality_service.hpp"
#include "service/entity_service.hpp"

namespace renkei::app {
namespace {

std::string Score(double value) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << value;
  return text.str();
}

void PrintTable(const std::string& tenant, const std::vector<opendata::DatasetQuality>& reports,
                const opendata::FailurePage& page, std::ostream& out) {
  out << "data quality of tenant '" << tenant << "' (docs/data-quality.md)\n";
  if (reports.empty()) {
    out << "no records of any standard dataset\n";
    return;
  }
  out << std::left << std::setw(22) << "dataset" << std::right << std::setw(9) << "records"
      << std::setw(14) << "completeness" << std::setw(11) << "freshness" << std::setw(10)
      << "accuracy" << std::setw(9) << "overall"
      << "\n";
  for (const auto& r : reports) {
    out << std::left << std::setw(22) << r.definition.name << std::right << std::setw(9)
        << r.records << std::setw(14) << Score(r.scores.completeness) << std::setw(11)
        << Score(r.scores.freshness) << std::setw(10) << Score(r.scores.accuracy) << std::setw(9)
        << Score(r.scores.overall) << "\n";
  }
  for (const auto& r : reports) {
    out << "\n"
        << r.definition.name << " (" << r.definition.title << ", type " << r.definition.entity_type
        << "): " << r.records << " records, " << r.with_location << " with location, update cycle "
        << r.definition.update_cycle_days << " days\n";
    if (r.reference) {
      out << "  near = within " << Score(r.reference->radius_km) << " km of the "
          << r.reference->source << " (" << r.reference->point.lat << ", " << r.reference->point.lon
          << ")\n";
    }
    for (const auto& c : r.checks) {
      if (c.checked == 0) continue;
      out << "  " << std::left << std::setw(32) << c.check << std::setw(13)
          << opendata::DimensionName(c.dimension) << std::right << std::setw(7) << c.failed
          << " failed of " << c.checked << "\n";
    }
    std::size_t matching = 0;
    for (const auto& f : r.failures) {
      if (page.check && f.check != *page.check) continue;
      const std::size_t index = matching++;
      if (index < page.offset || index >= page.offset + page.limit) continue;
      out << "  ";
      // Stored records cite their import source as the import's messages do (file:line).
      if (f.line && !f.file.empty()) {
        out << f.file << ":" << *f.line << "  ";
      } else if (f.line) {
        out << "line " << *f.line << "  ";
      }
      out << f.entity_id << "  " << f.check << "  " << f.attribute;
      if (!f.value.empty()) out << " = '" << f.value << "'";
      out << ": " << f.reason << "\n";
    }
    if (matching > page.offset + page.limit) {
      out << "  … " << matching - page.offset - page.limit
          << " more failing records (--offset, --limit, --check, --json)\n";
    }
  }
}

int RunFileQuality(const QualityCommand& command, const std::string& tenant,
                   const opendata::FailurePage& page, std::ostream& out, std::ostream& err) {
  if (!opendata::IsValidMunicipalityCode(tenant)) {
    err << "renkei: --tenant " << tenant
        << " is not a 6-digit 全国地方公共団体コード with a valid check digit\n";
    return 2;
  }
  opendata::ImportOptions options;
  options.tenant = tenant;
  options.dataset = command.dataset;
  if (command.mapping) {
    auto layout = opendata::LoadLayoutFile(*command.mapping);
    if (!layout) {
      err << "renkei: " << layout.error().detail << "\n";
      return 2;
    }
    options.layout = std::move(*layout);
  }
  const auto bytes = base::ReadFileContents(*command.file);
  if (!bytes) {
    err << *command.file << ": cannot read the file\n";
    return 2;
  }
  const base::Timestamp now = base::SystemClock().Now();
  auto assessed = opendata::AssessFile(*bytes, options, command.settings, now);
  if (!assessed) {
    err << *command.file << ": " << assessed.error().detail << "\n";
    return 2;
  }
  if (command.json) {
    out << core::ToJsonText(
               opendata::FileQualityReportJson(tenant, now, *assessed, page, *command.file))
        << "\n";
    return 0;
  }
  out << *command.file << ": " << opendata::EncodingName(assessed->encoding) << ", layout "
      << assessed->layout_name << ", read " << assessed->rows_read << ", skipped "
      << assessed->skipped << " (other municipality), rejected " << assessed->rejected.size()
      << ", warnings " << assessed->warnings.size() << "\n";
  for (const auto* issues : {&assessed->rejected, &assessed->warnings}) {
    for (const auto& issue : *issues) {
      out << *command.file << ":" << issue.line << ": "
          << (issues == &assessed->rejected ? "rejected" : "warning") << ": ";
      if (!issue.column.empty()) out << "column '" << issue.column << "': ";
      out << issue.reason << "\n";
    }
  }
  PrintTable(tenant, {assessed->report}, page, out);
  return 0;
}

}  // namespace

int RunQuality(const QualityCommand& command, std::ostream& out, std::ostream& err) {
  auto tenant = api::common::ParseTenant(command.tenant);
  if (!tenant) {
    err << "renkei: --tenant: " << tenant.error().detail << "\n";
    return 2;
  }
  auto paths =
      api::common::ParseServicePath(command.service_path, api::common::ServicePathUse::kRead);
  if (!paths) {
    err << "renkei: --service-path: " << paths.error().detail << "\n";
    return 2;
  }
  if (command.check) {
    const auto names = opendata::QualityCheckNames();
    if (std::find(names.begin(), names.end(), *command.check) == names.end()) {
      err << "renkei: unknown --check " << *command.check << " (one of:";
      for (auto name : names) err << " " << name;
      err << ")\n";
      return 2;
    }
  }
  if (command.limit < 1 || command.limit > opendata::kMaxFailureLimit) {
    err << "renkei: --limit must be 1.." << opendata::kMaxFailureLimit << "\n";
    return 2;
  }
  opendata::FailurePage page;
  page.offset = command.offset;
  page.limit = command.limit;
  page.check = command.check;
  if (command.file) return RunFileQuality(command, *tenant, page, out, err);
  auto store = OpenCliStore(command.data_dir, /*must_exist=*/true, err);
  if (!store) return 2;
  service::EntityService entities(*store);
  opendata::QualityService quality(entities, command.settings);
  base::SystemClock clock;
  service::RequestContext ctx;
  ctx.tenant = *tenant;
  ctx.scope = paths->scope;
  ctx.now = clock.Now();
  auto reports = quality.Assess(ctx, command.dataset);
  store->Close();
  if (!reports) {
    err << "renkei: " << reports.error().detail << "\n";
    return 2;
  }
  if (command.json) {
    out << core::ToJsonText(opendata::QualityReportJson(*tenant, ctx.now, *reports, page)) << "\n";
  } else {
    PrintTable(*tenant, *reports, page, out);
  }
  return 0;
}

}  // namespace renkei::app
