// The column names of a file: one header row, or a spreadsheet's merged multi-row header
// flattened into one name per column (toilet-map.csv: `便器数/男性用/洋`).
#pragma once

#include <string>
#include <vector>

#include "opendata/csv_reader.hpp"

namespace renkei::opendata {

// Trims ASCII and ideographic spaces and removes line breaks inside a header cell
// ("内部ｽﾍﾟｰｽ\nｍ×ｍ" -> "内部ｽﾍﾟｰｽｍ×ｍ"; municipal-context.md §3.1 notes such headers).
std::string CleanHeaderCell(std::string_view cell);

// Flattens header rows into one name per column, joining the levels with '/'. A merged
// cell is exported as its text followed by empty cells, so an empty cell takes the text
// to its left when the cells above it belong to the same group and a lower row names a
// sub-column; columns without any name are "" (ignored by mappings).
std::vector<std::string> FlattenHeader(const std::vector<CsvRecord>& rows);

}  // namespace renkei::opendata
