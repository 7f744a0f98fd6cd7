// One import of one file, end to end, and its report: StreamFile, its chunks written by a
// ChunkWriter unless it is a dry run. `renkei import opendata` prints the report as text
// (PrintReport) and POST /admin/v1/opendata/import answers it as JSON (ReportJson): one
// implementation, two renderings (docs/opendata-mapping.md "Import report").
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json/array.hpp>

#include "base/result.hpp"
#include "opendata/chunk_writer.hpp"
#include "opendata/importer.hpp"
#include "service/entity_service.hpp"

namespace renkei::opendata {

struct ImportReport {
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string dataset;      // the layout's name
  std::string title;        // its Japanese name
  std::string generation;   // GenerationName
  std::string entity_type;  // the type of the entities written
  bool dry_run = false;
  std::size_t rows_read = 0;
  std::size_t imported = 0;  // written (created + updated + unchanged), or would be (dry run)
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::size_t skipped = 0;         // rows of another municipality than the tenant
  std::vector<RowIssue> rejected;  // by the file's checks, then by the service
  std::vector<RowIssue> warnings;
};

// Gives the service to write with; called once, only when something is to be written (the
// CLI opens the store lazily). An error ends the import with that error.
using WriterProvider = std::function<base::Result<service::EntityService*>()>;

// Imports one file's bytes. `writer` empty: a dry run. File-level problems and store
// failures are errors (nothing or, for a store failure, only whole batches written, as the
// error says); row problems are in the report.
base::Result<ImportReport> ImportFile(std::string_view bytes, const ImportOptions& options,
                                      const WriterProvider& writer, base::Timestamp now);

// The report as a JSON object: encoding, dataset, title, generation, entityType, dryRun,
// read, imported, created, updated, unchanged, skipped, rejected and warnings ([{line,
// column, reason}]).
std::string ReportJson(const ImportReport& report);
// Rejected rows or warnings as that JSON gives them: [{line, column (when one), reason}].
boost::json::array RowIssuesJson(const std::vector<RowIssue>& issues);

// The CLI's text: a first line naming encoding, dataset and type, one line per warning and
// rejected row (`file:line: rejected: column 'C': reason`), and a summary line.
void PrintReport(std::ostream& out, std::string_view file, const ImportReport& report);

}  // namespace renkei::opendata
