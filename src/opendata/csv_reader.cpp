#include "opendata/csv_reader.hpp"

#include <algorithm>

namespace renkei::opendata {
namespace {

bool IsBlank(const CsvRecord& record) {
  return record.fields.size() == 1 && record.fields.front().empty();
}

}  // namespace

char GuessDelimiter(std::string_view text) {
  const auto first_line = text.substr(0, text.find('\n'));
  const auto tabs = std::count(first_line.begin(), first_line.end(), '\t');
  const auto commas = std::count(first_line.begin(), first_line.end(), ',');
  return tabs > commas ? '\t' : ',';
}

CsvTable ParseCsv(std::string_view text, char delimiter) {
  CsvTable table;
  table.delimiter = delimiter;
  std::size_t line = 1;
  std::size_t i = 0;
  const std::size_t n = text.size();
  while (i < n) {
    CsvRecord record;
    record.line = line;
    std::string field;
    bool record_done = false;
    while (!record_done) {
      field.clear();
      if (i < n && text[i] == '"') {
        // RFC 4180 §2.5–2.7: a quoted field; "" is one quote; line breaks are data.
        const std::size_t opened_on = line;
        ++i;
        bool closed = false;
        while (i < n) {
          const char c = text[i];
          if (c == '"') {
            if (i + 1 < n && text[i + 1] == '"') {
              field.push_back('"');
              i += 2;
              continue;
            }
            ++i;
            closed = true;
            break;
          }
          if (c == '\n') ++line;
          field.push_back(c);
          ++i;
        }
        if (!closed) {
          table.problems.push_back({opened_on, "quoted field opened on this line is never closed"});
        }
        // Text after the closing quote (`"a"b`) is kept, as spreadsheet programs do.
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          field.push_back(text[i++]);
        }
      } else {
        while (i < n && text[i] != delimiter && text[i] != '\n' && text[i] != '\r') {
          field.push_back(text[i++]);
        }
      }
      record.fields.push_back(field);
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
    if (!IsBlank(record)) table.records.push_back(std::move(record));
  }
  return table;
}

}  // namespace renkei::opendata
