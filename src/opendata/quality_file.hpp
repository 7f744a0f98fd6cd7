// The data quality report of a CSV file before (or instead of) importing it: the file is
// prepared as `renkei import opendata` would (PrepareFile, pure) and its records of one
// tenant are assessed like stored ones (AssessDataset), so every failure carries its source
// line, and the import's own rejections and warnings come with the report
// (docs/data-quality.md "Checking a file"). Pure, thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "opendata/importer.hpp"
#include "opendata/quality_report.hpp"
#include "opendata/quality_settings.hpp"

namespace renkei::opendata {

struct FileQuality {
  TextEncoding encoding = TextEncoding::kUtf8;
  std::string layout_name;  // the layout that read the file (a mapping file's own name)
  std::size_t rows_read = 0;
  std::size_t skipped = 0;  // rows of other municipalities
  DatasetQuality report;    // failures have `line`
  std::vector<RowIssue> rejected;
  std::vector<RowIssue> warnings;
};

// `options.tenant` is required (a valid 6-digit code): the records of that municipality are
// assessed, with the definition of the standard dataset of the layout's entity type (a
// mapping file's layout has no 必須 flags of its own). Records count as updated at `now`
// unless the file has a 最終更新日 column. Errors: those of PrepareFile, and
// kBadRequestData without a tenant.
base::Result<FileQuality> AssessFile(std::string_view bytes, const ImportOptions& options,
                                     const QualitySettings& settings, base::Timestamp now);

}  // namespace renkei::opendata
