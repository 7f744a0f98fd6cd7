// An RFC 4180 CSV reader for open-data files: quoted fields with doubled quotes, line breaks
// inside quotes, CRLF or LF line ends, ',' or '\t' as delimiter (UTF-16 exports from Excel
// are tab-separated, municipal-context.md §3.1). Input is UTF-8 text (see text_encoding.hpp).
//
// Records keep the physical line on which they start, so problems can be reported by line.
// The reader never fails on content: an unterminated quote ends the file and is reported in
// CsvTable::problems; a quote inside an unquoted field is kept literally (Excel does so).
// Ragged rows are returned as they are; the caller compares them with the header.
#pragma once

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

// Guesses the delimiter from the first line: '\t' when it holds more tabs than commas.
char GuessDelimiter(std::string_view text);

CsvTable ParseCsv(std::string_view text, char delimiter);

}  // namespace renkei::opendata
