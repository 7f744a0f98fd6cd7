// Open-data import: file bytes -> UTF-8 text -> CSV records -> dataset layout -> entities
// (PrepareFile, pure), then entities -> the tenant's store through EntityService in batches
// (WriteEntities). `renkei import opendata` (src/app) drives both and prints the report.
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
  std::size_t batch_size = 500;  // entities per store write unit (one durable commit)
  // Called now and then with the phase ("reading", "writing"), the rows or entities done
  // and their total, on the calling thread; the CLI draws its progress bar with it.
  std::function<void(std::string_view phase, std::size_t done, std::size_t total)> progress;
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

// Decodes, parses and maps a whole file. File-level problems (encoding, no header, an
// unrecognised dataset without --dataset/--mapping, a mapping that does not fit) are
// errors; row-level ones go into `rejected` and `warnings`, the other rows are kept.
base::Result<PreparedFile> PrepareFile(std::string_view bytes, const ImportOptions& options);

struct WriteSummary {
  std::size_t created = 0;
  std::size_t updated = 0;
  std::size_t unchanged = 0;
  std::vector<RowIssue> rejected;  // refused by the service (by line)
};

// Writes the entities, `batch_size` per write unit, each tenant's in file order: a new id
// is created, an existing one gets its attributes replaced when they differ. Blocks until
// every unit is committed. A store failure is an error saying how many entities the other
// units committed (each unit is atomic: a failed one wrote nothing).
base::Result<WriteSummary> WriteEntities(service::EntityService& service,
                                         std::vector<PreparedEntity> entities,
                                         const ImportOptions& options, base::Timestamp now);

}  // namespace renkei::opendata
