#include "opendata/csv_reader.hpp"

#include <algorithm>

namespace renkei::opendata {
bool IsBlank(const CsvRecord& record) {
  return record.fields.size() == 1 && record.fields.front().empty();
}

char GuessDelimiter(std::string_view text) {
  const auto first_line = text.substr(0, text.find('\n'));
  const auto tabs = std::count(first_line.begin(), first_line.end(), '\t');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return tabs > commas ? '\t' : ',';
}

bool CsvCursor::Next(CsvRecord& record, std::optional<CsvProblem>& problem) {
  const std::string_view text = text_;
  const char delimiter = delimiter_;
  const std::size_t n = text.size();
  std::size_t& i = i_;
  std::size_t& line = line_;
  while (i < n) {
    problem.reset();
    record.line = line;
    std::size_t count = 0;  // fields of this record; the vector's extra strings are reused
    bool record_done = false;
    while (!record_done) {
      if (count == record.fields.size()) record.fields.emplace_back();
      std::string& field = record.fields[count++];
      field.clear();
      if (i < n && text[i] == '"') {
        // RFC 4180 §2.5–2.7: a quoted field; "" is one quote; line breaks are data.
        const std::size_t opened_on = line;
        ++i;
        bool closed = false;
        while (i < n) {
          // Up to the next quote in one append: open-data exports quote every field, and a
          // byte at a time was most of the reading.
          const std::size_t quote = std::min(text.find('"', i), n);
          const std::string_view run = text.substr(i, quote - i);
          field.append(run);
          line += static_cast<std::size_t>(std::count(run.begin(), run.end(), '\n'));
          i = quote;
          if (i == n) break;
          if (i + 1 < n && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          closed = true;
          break;
        }
        if (!closed) {
          problem = CsvProblem{opened_on, "quoted field opened on this line is never closed"};
        }
        // Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do.
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          field.push_back(text[i++]);
        }
      } else {
        const std::size_t start = i;
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') ++i;
        field.assign(text.substr(start, i - start));
      }
      if (i < n && text[i] == delimiter) {
        ++i;
        continue;
      }
      // End of record: CRLF, LF or a lone CR (old Mac exports), or end of input.
      if (i < n && text[i] == '\r') ++i;
      if (i < n && text[i] == '\n') ++i;
      ++line;
      record_done = true;
    }
    record.fields.resize(count);
    if (!IsBlank(record) || problem) return true;
  }
  return false;
}

CsvTable ParseCsv(std::string_view text, char delimiter) {
  CsvTable table;
  table.delimiter = delimiter;
  CsvCursor cursor(text, delimiter);
  CsvRecord record;
  std::optional<CsvProblem> problem;
  while (cursor.Next(record, problem)) {
    if (problem) table.problems.push_back(std::move(*problem));
    if (!IsBlank(record)) table.records.push_back(record);
  }
  return table;
}

std::size_t CountCsvRecords(std::string_view text, char delimiter) {
  CsvCursor cursor(text, delimiter);
  CsvRecord record;
  std::optional<CsvProblem> problem;
  std::size_t count = 0;
  while (cursor.Next(record, problem)) {
    if (!IsBlank(record)) ++count;
  }
  return count;
}

}  // namespace renkei::opendata
