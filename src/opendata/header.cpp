#include "opendata/header.hpp"

#include <algorithm>

namespace renkei::opendata {
namespace {

const std::string& Cell(const CsvRecord& row, std::size_t column) {
  static const std::string kEmpty;
  return column < row.fields.size() ? row.fields[column] : kEmpty;
}

}  // namespace

std::string CleanHeaderCell(std::string_view cell) {
  std::string out;
  for (char c : cell) {
    if (c != '\r' && c != '\n') out.push_back(c);
  }
  auto trim_front = [&out] {
    while (!out.empty() && out.front() == ' ') out.erase(0, 1);
    while (out.starts_with("\u3000")) out.erase(0, 3);
  };
  auto trim_back = [&out] {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    while (out.ends_with("\u3000")) out.resize(out.size() - 3);
  };
  for (int pass = 0; pass < 2; ++pass) {
    trim_front();
    trim_back();
  }
  return out;
}

std::vector<std::string> FlattenHeader(const std::vector<CsvRecord>& rows) {
  std::size_t width = 0;
  for (const auto& row : rows) width = std::max(width, row.fields.size());
  // levels[r][c]: the name at header row r of column c once merged cells are filled in.
  std::vector<std::vector<std::string>> levels(rows.size(), std::vector<std::string>(width));
  for (std::size_t r = 0; r < rows.size(); ++r) {
    for (std::size_t c = 0; c < width; ++c) {
      std::string name = CleanHeaderCell(Cell(rows[r], c));
      if (name.empty() && c > 0 && !levels[r][c - 1].empty()) {
        const bool same_group = r == 0 || levels[r - 1][c] == levels[r - 1][c - 1];
        bool named_below = false;
        for (std::size_t below = r + 1; below < rows.size(); ++below) {
          named_below = named_below || !CleanHeaderCell(Cell(rows[below], c)).empty();
        }
        if (same_group && named_below) name = levels[r][c - 1];
      }
      levels[r][c] = std::move(name);
    }
  }
  std::vector<std::string> names(width);
  for (std::size_t c = 0; c < width; ++c) {
    for (std::size_t r = 0; r < rows.size(); ++r) {
      const auto& part = levels[r][c];
      if (part.empty()) continue;
      if (!names[c].empty()) names[c] += '/';
      names[c] += part;
    }
  }
  return names;
}

}  // namespace renkei::opendata
