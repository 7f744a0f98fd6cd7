#include "opendata/import_report.hpp"

#include <optional>
#include <ostream>

#include <boost/json.hpp>

#include "service/access_check.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;

void PrintIssues(std::ostream& out, std::string_view file, const char* what,
                 const std::vector<RowIssue>& issues) {
  for (const auto& issue : issues) {
    out << file << ":" << issue.line << ": " << what << ": ";
    if (!issue.column.empty()) out << "column '" << issue.column << "': ";
    out << issue.reason << "\n";
  }
}

}  // namespace

json::array RowIssuesJson(const std::vector<RowIssue>& issues) {
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

base::Result<ImportReport> ImportFile(std::string_view bytes, const ImportOptions& options,
                                      const WriterProvider& writer, base::Timestamp now) {
  // An admin data endpoint: `administer` besides writing (docs/security.md "Enforcement"),
  // dry runs included. The CLI's caller has no principal: it is the operator.
  RENKEI_TRY_VOID(service::AuthorizeSome(options.caller, auth::Action::kAdminister));
  ImportReport report;
  std::optional<ChunkWriter> chunks;
  // The store is opened (WriterProvider) at the first chunk, so a file-level error or a dry
  // run never opens it.
  auto sink = [&](std::vector<PreparedEntity> chunk, StreamPosition at) -> base::Result<void> {
    if (!writer) {
      report.imported += chunk.size();
      if (options.progress) options.progress("reading", at.rows_read, at.rows_total);
      return base::Ok();
    }
    if (!chunks) {
      RENKEI_TRY(service::EntityService * target, writer());
      chunks.emplace(*target, options, now);
    }
    return chunks->Submit(std::move(chunk), at);
  };
  auto streamed = StreamFile(bytes, options, sink);
  // Every submitted unit is awaited, also when the stream stopped early.
  std::optional<base::Result<WriteSummary>> written;
  if (chunks) written = chunks->Finish();
  if (written && !*written) return base::Unexpected{written->error()};
  if (!streamed) return base::Unexpected{streamed.error()};
  report.encoding = streamed->encoding;
  report.dataset = streamed->layout.name;
  report.title = streamed->layout.title;
  report.generation = std::string(GenerationName(streamed->generation));
  report.entity_type = streamed->layout.entity_type;
  report.rows_read = streamed->rows_read;
  report.skipped = streamed->skipped;
  report.rejected = std::move(streamed->rejected);
  report.warnings = std::move(streamed->warnings);
  if (!writer) {
    report.dry_run = true;
    return report;
  }
  if (written) {
    report.created = (*written)->created;
    report.updated = (*written)->updated;
    report.unchanged = (*written)->unchanged;
    for (auto& issue : (*written)->rejected) report.rejected.push_back(std::move(issue));
  }
  report.imported = report.created + report.updated + report.unchanged;
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
  out["rejected"] = RowIssuesJson(report.rejected);
  out["warnings"] = RowIssuesJson(report.warnings);
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
