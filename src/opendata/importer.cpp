#include "opendata/importer.hpp"

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "opendata/csv_reader.hpp"
#include "opendata/header.hpp"

namespace renkei::opendata {
namespace {

using base::ErrorCode;

base::Unexpected FileError(std::string title, std::string detail) {
  return base::Fail(ErrorCode::kBadRequestData, std::move(title), std::move(detail));
}

}  // namespace

base::Result<PreparedFile> StreamFile(std::string_view bytes, const ImportOptions& options,
                                      const EntitySink& sink) {
  PreparedFile out;
  RENKEI_TRY(auto decoded, DecodeToUtf8(bytes));
  out.encoding = decoded.encoding();
  const char delimiter = GuessDelimiter(decoded.text());
  CsvCursor cursor(decoded.text(), delimiter);
  // CSV syntax problems come first in the report, as when the whole table was parsed first.
  std::vector<RowIssue> syntax_problems;
  CsvRecord record;
  std::optional<CsvProblem> problem;
  // The next non-blank record; a blank one with a problem only reports it.
  auto next = [&]() {
    while (cursor.Next(record, problem)) {
      if (problem) syntax_problems.push_back(RowIssue{problem->line, "", problem->reason});
      if (!IsBlank(record)) return true;
    }
    return false;
  };

  // Which layout: a mapping file, a named built-in, or the one the header shows.
  const bool strict = options.layout.has_value();
  std::size_t skip = 0, header_rows = 1;
  if (options.layout) {
    skip = options.layout->skip_rows;
    header_rows = options.layout->header_rows;
  }
  std::vector<CsvRecord> header_records;
  for (std::size_t r = 0; r < skip + header_rows; ++r) {
    if (!next()) return FileError("NoHeader", "the file has no header row");
    if (r >= skip) header_records.push_back(record);
  }
  std::vector<std::string> header = FlattenHeader(header_records);
  out.generation = DetectGeneration(header);
  if (options.layout) {
    out.layout = *options.layout;
  } else if (options.dataset) {
    auto layout = FindStandardDataset(*options.dataset);
    if (!layout)
      return FileError("UnknownDataset", "no built-in dataset '" + *options.dataset + "'");
    out.layout = std::move(*layout);
  } else if (auto recognized = RecognizeDataset(header)) {
    out.layout = std::move(recognized->layout);
  } else {
    return FileError("UnknownDataset",
                     "the header matches no standard dataset; name one with --dataset or "
                     "describe the layout in a --mapping file (header starts with '" +
                         (header.empty() ? std::string() : header.front()) + "')");
  }
  for (const auto& column : out.layout.signature) {
    if (std::find(header.begin(), header.end(), column) == header.end()) {
      return FileError("WrongDataset",
                       "the header lacks column '" + column + "' of dataset " + out.layout.name);
    }
  }
  RENKEI_TRY(auto mapper,
             RowMapper::Create(out.layout, header, options.tenant.value_or(""), strict));

  StreamPosition at;
  if (options.progress) {
    const std::size_t records = CountCsvRecords(decoded.text(), delimiter);
    at.rows_total = records > skip + header_rows ? records - skip - header_rows : 0;
  }
  const std::size_t chunk_size = std::max<std::size_t>(options.batch_size, 1);
  std::vector<PreparedEntity> chunk;
  chunk.reserve(chunk_size);
  // (tenant + id) -> first line: ids only, so it stays small next to the entities.
  std::unordered_map<std::string, std::size_t> line_of_id;
  // Sized once, from the row count when it is known (progress) or else from the file's size
  // (records are rarely shorter than 128 bytes): rehashing a table of every row's id as it
  // grows is a cost per row of its own.
  line_of_id.reserve(options.progress ? at.rows_total : decoded.text().size() / 128);
  while (next()) {
    ++out.rows_read;
    // A record with an unterminated quote swallowed the rest of the file; it is already
    // reported and must not be imported half-read.
    if (problem) continue;
    MappedRow mapped = mapper.Map(record);
    if (mapped.rejection) {
      out.rejected.push_back(std::move(*mapped.rejection));
      continue;
    }
    // Rows of another municipality are not this import's business, nor are their warnings.
    if (options.tenant && !mapped.municipality_code.empty() &&
        mapped.municipality_code != *options.tenant) {
      ++out.skipped;
      continue;
    }
    for (auto& w : mapped.warnings) out.warnings.push_back(std::move(w));
    std::string tenant = options.tenant.value_or(mapped.municipality_code);
    auto [it, fresh] = line_of_id.emplace(tenant + '\n' + mapped.entity->id, record.line);
    if (!fresh) {
      out.rejected.push_back(RowIssue{record.line, "",
                                      "same id " + mapped.entity->id + " as line " +
                                          std::to_string(it->second) + " (a duplicate row?)"});
      continue;
    }
    chunk.push_back(PreparedEntity{record.line, std::move(tenant), std::move(*mapped.entity)});
    if (chunk.size() == chunk_size) {
      at.rows_read = out.rows_read;
      RENKEI_TRY_VOID(sink(std::exchange(chunk, {}), at));
      chunk.reserve(chunk_size);
    }
  }
  at.rows_read = out.rows_read;
  RENKEI_TRY_VOID(sink(std::move(chunk), at));
  out.rejected.insert(out.rejected.begin(), std::make_move_iterator(syntax_problems.begin()),
                      std::make_move_iterator(syntax_problems.end()));
  return out;
}

base::Result<PreparedFile> PrepareFile(std::string_view bytes, const ImportOptions& options) {
  std::vector<PreparedEntity> all;
  RENKEI_TRY(PreparedFile out,
             StreamFile(bytes, options, [&all](std::vector<PreparedEntity> chunk, StreamPosition) {
               for (auto& e : chunk) all.push_back(std::move(e));
               return base::Result<void>(base::Ok());
             }));
  out.entities = std::move(all);
  return out;
}

}  // namespace renkei::opendata
