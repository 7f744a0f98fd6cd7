#include "opendata/import_report.hpp"

#include <ostream>

#include <boost/json.hpp>

namespace renkei::opendata {
namespace {

namespace json = boost::json;

json::array IssuesJson(const std::vector<RowIssue>& issues) {
  json::array out;
  out.reserve(issues.size());
  for (const auto& issue : issues) {
    json::object item;
    item["line"] = issue.line;
    if (!issue.column.empty()) item["column"] = issue.column;
    item["reason"] = issue.reason;
    out.push_back(std::move(item));
  }
  return out;
}

void PrintIssues(std::ostream& out, std::string_view file, const char* what,
                 const std::vector<RowIssue>& issues) {
  for (const auto& issue : issues) {
    out << file << ":" << issue.line << ": " << what << ": ";
    if (!issue.column.empty()) out << "column '" << issue.column << "': ";
    out << issue.reason << "\n";
  }
}

}  // namespace

base::Result<ImportReport> ImportFile(std::string_view bytes, const ImportOptions& options,
                                      const WriterProvider& writer, base::Timestamp now) {
  RENKEI_TRY(auto prepared, PrepareFile(bytes, options));
  ImportReport report;
  report.encoding = prepared.encoding;
  report.dataset = prepared.layout.name;
  report.title = prepared.layout.title;
  report.generation = std::string(GenerationName(prepared.generation));
  report.entity_type = prepared.layout.entity_type;
  report.rows_read = prepared.rows_read;
  report.skipped = prepared.skipped;
  report.rejected = std::move(prepared.rejected);
  report.warnings = std::move(prepared.warnings);
  if (!writer) {
    report.dry_run = true;
    report.imported = prepared.entities.size();
    return report;
  }
  RENKEI_TRY(service::EntityService * target, writer());
  RENKEI_TRY(auto written, WriteEntities(*target, std::move(prepared.entities), options, now));
  report.created = written.created;
  report.updated = written.updated;
  report.unchanged = written.unchanged;
  report.imported = written.created + written.updated + written.unchanged;
  for (auto& issue : written.rejected) report.rejected.push_back(std::move(issue));
  return report;
}

std::string ReportJson(const ImportReport& report) {
  json::object out;
  out["encoding"] = EncodingName(report.encoding);
  out["dataset"] = report.dataset;
  out["title"] = report.title;
  out["generation"] = report.generation;
  out["entityType"] = report.entity_type;
  out["dryRun"] = report.dry_run;
  out["read"] = report.rows_read;
  out["imported"] = report.imported;
  out["created"] = report.created;
  out["updated"] = report.updated;
  out["unchanged"] = report.unchanged;
  out["skipped"] = report.skipped;
  out["rejected"] = IssuesJson(report.rejected);
  out["warnings"] = IssuesJson(report.warnings);
  return json::serialize(out);
}

void PrintReport(std::ostream& out, std::string_view file, const ImportReport& report) {
  out << file << ": " << EncodingName(report.encoding) << ", dataset " << report.dataset << " ("
      << report.title << ", " << report.generation << ") -> type " << report.entity_type << "\n";
  PrintIssues(out, file, "warning", report.warnings);
  PrintIssues(out, file, "rejected", report.rejected);
  out << file << ": read " << report.rows_read << ", ";
  if (report.dry_run) {
    out << "would import " << report.imported << " (dry run)";
  } else {
    out << "imported " << report.imported << " (created " << report.created << ", updated "
        << report.updated << ", unchanged " << report.unchanged << ")";
  }
  out << ", rejected " << report.rejected.size() << ", skipped " << report.skipped
      << " (other municipality), warnings " << report.warnings.size() << "\n";
}

}  // namespace renkei::opendata
