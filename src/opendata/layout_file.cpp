#include "opendata/layout_file.hpp"

#include <set>

#include <toml++/toml.h>

#include "base/file_contents.hpp"
#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

base::Unexpected LayoutError(const std::string& origin, const std::string& detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidMapping", origin + ": " + detail);
}

base::Result<void> CheckKeys(const toml::table& table, const std::set<std::string>& allowed,
                             const std::string& origin, const std::string& where) {
  for (const auto& [key, value] : table) {
    if (!allowed.contains(std::string(key.str()))) {
      return LayoutError(origin, "unknown key '" + std::string(key.str()) + "'" + where);
    }
  }
  return base::Ok();
}

// A key holding either one column name or an array of alternatives.
base::Result<std::vector<std::string>> Names(const toml::node_view<const toml::node>& node,
                                             const std::string& origin, const std::string& key) {
  std::vector<std::string> out;
  if (!node) return out;
  if (auto s = node.value<std::string>()) {
    out.push_back(*s);
    return out;
  }
  if (const auto* array = node.as_array()) {
    for (const auto& item : *array) {
      auto s = item.value<std::string>();
      if (!s) return LayoutError(origin, "'" + key + "' must hold strings");
      out.push_back(*s);
    }
    return out;
  }
  return LayoutError(origin, "'" + key + "' must be a string or an array of strings");
}

base::Result<ValueKind> ParseKind(const std::string& text, const std::string& origin) {
  static constexpr std::pair<std::string_view, ValueKind> kKinds[] = {
      {"text", ValueKind::kText}, {"number", ValueKind::kNumber},
      {"flag", ValueKind::kFlag}, {"date", ValueKind::kDate},
      {"time", ValueKind::kTime}, {"time_range", ValueKind::kTimeRange},
      {"list", ValueKind::kList},
  };
  for (const auto& [name, kind] : kKinds) {
    if (text == name) return kind;
  }
  return LayoutError(
      origin, "unknown kind '" + text + "' (text, number, flag, date, time, time_range, list)");
}

base::Result<ColumnRule> ParseColumn(const toml::table& table, const std::string& origin,
                                     std::size_t index) {
  const std::string where = " in columns[" + std::to_string(index) + "]";
  RENKEI_TRY_VOID(CheckKeys(
      table,
      {"column", "attribute", "kind", "end_attribute", "separator", "original", "list_value"},
      origin, where));
  ColumnRule rule;
  RENKEI_TRY(rule.columns,
             Names(toml::node_view<const toml::node>(table["column"]), origin, "column"));
  rule.attribute = table["attribute"].value_or(std::string());
  if (rule.columns.empty() || rule.attribute.empty()) {
    return LayoutError(origin, "'column' and 'attribute' are required" + where);
  }
  RENKEI_TRY(rule.kind, ParseKind(table["kind"].value_or(std::string("text")), origin));
  rule.end_attribute = table["end_attribute"].value_or(std::string());
  rule.separator = table["separator"].value_or(std::string());
  rule.original_attribute = table["original"].value_or(std::string());
  rule.list_value = table["list_value"].value_or(std::string());
  if (rule.kind == ValueKind::kList && rule.separator.empty()) {
    return LayoutError(origin, "kind 'list' needs a 'separator'" + where);
  }
  if (rule.kind == ValueKind::kTimeRange && rule.end_attribute.empty()) {
    return LayoutError(origin, "kind 'time_range' needs an 'end_attribute'" + where);
  }
  return rule;
}

}  // namespace

base::Result<DatasetLayout> ParseLayout(std::string_view toml_text, const std::string& origin) {
  toml::table table;
  try {
    table = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return LayoutError(origin, std::string(e.description()) + " (line " +
                                   std::to_string(e.source().begin.line) + ")");
  }
  RENKEI_TRY_VOID(CheckKeys(table,
                            {"name", "title", "entity_type", "skip_rows", "header_rows",
                             "signature", "id_columns", "municipality_code", "municipality_name",
                             "latitude", "longitude", "municipalities", "columns"},
                            origin, ""));
  DatasetLayout layout;
  layout.name = table["name"].value_or(std::string("custom"));
  layout.title = table["title"].value_or(layout.name);
  layout.entity_type = table["entity_type"].value_or(std::string());
  if (layout.entity_type.empty()) return LayoutError(origin, "'entity_type' is required");
  const auto skip = table["skip_rows"].value_or(int64_t{0});
  const auto header = table["header_rows"].value_or(int64_t{1});
  if (skip < 0 || skip > 100 || header < 1 || header > 10) {
    return LayoutError(origin, "'skip_rows' must be 0..100 and 'header_rows' 1..10");
  }
  layout.skip_rows = static_cast<std::size_t>(skip);
  layout.header_rows = static_cast<std::size_t>(header);
  using View = toml::node_view<const toml::node>;
  const toml::table& t = table;
  RENKEI_TRY(layout.signature, Names(View(t["signature"]), origin, "signature"));
  if (const auto* ids = t["id_columns"].as_array()) {
    for (const auto& item : *ids) {
      RENKEI_TRY(auto names, Names(View(&item), origin, "id_columns"));
      layout.id_columns.push_back(std::move(names));
    }
  }
  RENKEI_TRY(layout.municipality_code_columns,
             Names(View(t["municipality_code"]), origin, "municipality_code"));
  RENKEI_TRY(layout.municipality_name_columns,
             Names(View(t["municipality_name"]), origin, "municipality_name"));
  RENKEI_TRY(layout.latitude_columns, Names(View(t["latitude"]), origin, "latitude"));
  RENKEI_TRY(layout.longitude_columns, Names(View(t["longitude"]), origin, "longitude"));
  if (layout.latitude_columns.empty() != layout.longitude_columns.empty()) {
    return LayoutError(origin, "'latitude' and 'longitude' go together");
  }
  if (const auto* names = t["municipalities"].as_table()) {
    for (const auto& [name, code_node] : *names) {
      auto code = code_node.value<std::string>();
      if (!code || !IsValidMunicipalityCode(*code)) {
        return LayoutError(origin,
                           "municipalities." + std::string(name.str()) +
                               ": not a 6-digit 全国地方公共団体コード with a valid check digit");
      }
      layout.municipality_codes.emplace(std::string(name.str()), *code);
    }
  }
  const auto* columns = t["columns"].as_array();
  if (columns == nullptr || columns->empty()) {
    return LayoutError(origin, "'columns' (an array of tables) is required");
  }
  for (std::size_t i = 0; i < columns->size(); ++i) {
    const auto* column = (*columns)[i].as_table();
    if (column == nullptr) return LayoutError(origin, "columns entries must be tables");
    RENKEI_TRY(auto rule, ParseColumn(*column, origin, i));
    layout.columns.push_back(std::move(rule));
  }
  return layout;
}

base::Result<DatasetLayout> LoadLayoutFile(const std::string& path) {
  const auto text = base::ReadFileContents(path);
  if (!text) return LayoutError(path, "cannot open the mapping file");
  return ParseLayout(*text, path);
}

}  // namespace renkei::opendata
