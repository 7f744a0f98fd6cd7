// An RFC 4180 CSV reader for open-data files: quoted fields with doubled quotes, line breaks
// inside quotes, CRLF or LF line ends, ',' or '\t' as delimiter (UTF-16 exports from Excel
// are tab-separated, municipal-context.md §3.1). Input is UTF-8 text (see text_encoding.hpp).
//
// Records keep the physical line on which they start, so problems can be reported by line.
// The reader never fails on content: an unterminated quote ends the file and is reported in
// CsvTable::problems; a quote inside an unquoted field is kept literally (Excel does so).
// Ragged rows are returned as they are; the caller compares them with the header.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace renkei::opendata {

struct CsvRecord {
  std::size_t line = 0;  // 1-based physical line where the record starts
  std::vector<std::string> fields;
};

struct CsvProblem {
  std::size_t line = 0;
  std::string reason;
};

struct CsvTable {
  char delimiter = ',';
  std::vector<CsvRecord> records;  // blank lines are skipped
  std::vector<CsvProblem> problems;
};

// One empty field: a blank line, which readers skip.
bool IsBlank(const CsvRecord& record);

// Guesses the delimiter from the first line: '\t' when it holds more tabs than commas.
char GuessDelimiter(std::string_view text);

// Reads the records one at a time (the streaming import holds one chunk of rows, not the
// file's table). `text` must outlive the cursor.
class CsvCursor {
 public:
  CsvCursor(std::string_view text, char delimiter) : text_(text), delimiter_(delimiter) {}
  // The next non-blank record into `record` (its fields' buffers are reused); false at the
  // end. A record whose quote is never closed ran to the end of the file: `problem` says so
  // (such a record is returned even when blank, so that the problem is not lost).
  bool Next(CsvRecord& record, std::optional<CsvProblem>& problem);
  // Bytes of `text` consumed so far.
  std::size_t offset() const { return i_; }

 private:
  std::string_view text_;
  char delimiter_;
  std::size_t i_ = 0;
  std::size_t line_ = 1;
};

CsvTable ParseCsv(std::string_view text, char delimiter);
// How many records ParseCsv would return (the progress bar's total).
std::size_t CountCsvRecords(std::string_view text, char delimiter);

}  // namespace renkei::opendata
