// Open-data export: a tenant's entities of one built-in dataset, read page by page through
// EntityService, written as the dataset's standard CSV (UTF-8, RFC 4180, CRLF, optional BOM
// for Excel) or as a GeoJSON FeatureCollection (RFC 7946) whose properties are the same
// columns. `renkei export opendata` (src/app) and GET /admin/v1/opendata/export
// (src/api/opendata) both call ExportDataset. docs/opendata-mapping.md "Export".
#pragma once

#include <cstddef>
#include <functional>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "opendata/standard_columns.hpp"
#include "service/entity_service.hpp"

namespace renkei::opendata {

enum class ExportFormat { kCsv, kGeoJson };

// "csv" / "geojson"; nullopt for anything else.
std::optional<ExportFormat> ParseExportFormat(std::string_view text);

struct ExportOptions {
  std::string dataset;  // a built-in dataset name (standard_datasets.hpp)
  ExportFormat format = ExportFormat::kCsv;
  ExportGeneration generation = ExportGeneration::kNew;
  bool bom = false;  // CSV only: U+FEFF first, so that Excel reads the file as UTF-8
  // More entities than this is an error before anything is written (kBadRequestData).
  std::size_t max_entities = std::numeric_limits<std::size_t>::max();
};

struct ExportSummary {
  std::size_t entities = 0;
};

// Receives the output in pieces, in order.
using ExportSink = std::function<void(std::string_view)>;

// Writes every entity of the dataset's type visible in ctx (tenant, ServicePath scope), in
// creation order (the order of the imported file). kBadRequestData for an unknown dataset
// or too many entities; store errors as they come.
base::Result<ExportSummary> ExportDataset(const service::EntityService& service,
                                          const service::RequestContext& ctx,
                                          const ExportOptions& options, const ExportSink& sink);

// One CSV field, quoted when it holds a delimiter, quote or line break (RFC 4180 §2).
std::string CsvField(std::string_view text);

}  // namespace renkei::opendata
