// Open-data import: file bytes -> UTF-8 text -> CSV records -> dataset layout -> entities,
// streamed a chunk at a time (StreamFile, pure) to a sink; import_report.hpp's ImportFile
// hands the chunks to a ChunkWriter (chunk_writer.hpp), which writes them into the store.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "opendata/dataset_layout.hpp"
#include "opendata/row_mapper.hpp"
#include "opendata/standard_datasets.hpp"
#include "opendata/text_encoding.hpp"
#include "service/entity_service.hpp"

namespace renkei::opendata {

struct ImportOptions {
  // The target tenant (a 6-digit code). Rows that name another municipality are skipped;
  // without it every row goes to the tenant of its own municipality.
  std::optional<std::string> tenant;
  std::optional<std::string> dataset;   // a built-in layout's name instead of recognition
  std::optional<DatasetLayout> layout;  // from a mapping file; wins over `dataset`
  std::string service_path = "/";
  std::size_t batch_size = 2000;  // entities per chunk and store write unit (ADR 0010)
  // The source file's name (no folders), recorded with each stored entity with its line
  // (ADR 0017); empty when the caller has none (an HTTP body without `file=`).
  std::string source_file;
  // Called now and then with the phase ("reading" for a dry run, else "writing"), the rows
  // done and the file's rows, on the calling thread; the CLI draws its progress bar with it.
  std::function<void(std::string_view phase, std::size_t done, std::size_t total)> progress;
  // Who imports: the HTTP caller's principal, permissions and correlator. Every write unit
  // runs in this context (its tenant, path and time set per unit), so it is authorized and
  // audited as the caller's write (docs/security.md). The CLI leaves it empty: it opens the
  // store itself, as an operator.
  service::RequestContext caller;
};

struct PreparedEntity {
  std::size_t line = 0;
  std::string tenant;
  core::Entity entity;
};

struct PreparedFile {
  TextEncoding encoding = TextEncoding::kUtf8;
  DatasetLayout layout;
  HeaderGeneration generation = HeaderGeneration::kOther;
  std::size_t rows_read = 0;
  std::size_t skipped = 0;  // rows of another municipality than --tenant
  std::vector<PreparedEntity> entities;
  std::vector<RowIssue> rejected;
  std::vector<RowIssue> warnings;
};

// Where a stream is: rows read so far and, when ImportOptions::progress is set, the rows of
// the file (counted in a first pass; 0 otherwise).
struct StreamPosition {
  std::size_t rows_read = 0;
  std::size_t rows_total = 0;
};
// Gets each chunk of at most `batch_size` entities in file order (the last one may be
// smaller or empty: it is always called once more at the end). An error stops the stream.
using EntitySink =
    std::function<base::Result<void>(std::vector<PreparedEntity> chunk, StreamPosition at)>;

// Decodes, parses and maps a file, handing the entities to `sink` a chunk at a time, so that
// only one chunk of rows is held in memory besides the file and its decoded text. File-level
// problems (encoding, no header, an unrecognised dataset without --dataset/--mapping, a
// mapping that does not fit) are errors before any chunk; row-level ones go into `rejected`
// (problems of the CSV syntax first, then rows in file order) and `warnings`, the other rows
// are kept. The returned PreparedFile has no entities.
base::Result<PreparedFile> StreamFile(std::string_view bytes, const ImportOptions& options,
                                      const EntitySink& sink);

// StreamFile collecting every entity into `entities` (tests, the quality report of a file).
base::Result<PreparedFile> PrepareFile(std::string_view bytes, const ImportOptions& options);

}  // namespace renkei::opendata
