// DatasetLayout: how the columns of one kind of open-data CSV become an entity. The
// standard datasets are built-in layouts (standard_datasets.hpp); non-standard files get
// one from a mapping file (layout_file.hpp). Both are plain data read by RowMapper, so a
// new dataset is a table entry, not code.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace renkei::opendata {

// What a cell holds and how it is normalised (docs/opendata-mapping.md "Value kinds").
enum class ValueKind {
  kText,       // trimmed text; empty cells are left out
  kNumber,     // decimal number ("1,234" and full-width digits accepted)
  kFlag,       // 有/無, ○/×, 1/0, あり/なし -> Boolean
  kDate,       // ISO 8601 date, 和暦 accepted (japanese_datetime.hpp)
  kTime,       // ISO 8601 time
  kTimeRange,  // `9:00~17:00` -> `attribute` = start, `end_attribute` = end
  kList,       // one cell holding several values split on `separator`
};

struct ColumnRule {
  // Header names that mean this column; the first present one is used. Old and new
  // header generations name some columns differently (住所 / 所在地_連結表記).
  std::vector<std::string> columns;
  std::string attribute;
  ValueKind kind = ValueKind::kText;
  std::string end_attribute;  // kTimeRange
  std::string separator;      // kList
  // kFlag only: when set, a true flag appends this value to the list `attribute` instead of
  // making a Boolean (the standard 指定緊急避難場所 has one 災害種別_* flag column per hazard).
  std::string list_value;
  // Where the cell's text goes verbatim when it is normalised (dates, times); empty: nowhere.
  std::string original_attribute;
  // A 必須 column of the dataset's definition (municipal-context.md §3.1 "Required"): the data
  // quality report (docs/data-quality.md) counts a record without it as incomplete.
  bool required = false;
};

struct DatasetLayout {
  std::string name;             // "evacuation_space", also the --dataset value
  std::string title;            // the dataset's Japanese name, for reports
  std::string entity_type;      // NGSI entity type
  std::size_t skip_rows = 0;    // title rows above the header
  std::size_t header_rows = 1;  // merged multi-row headers are joined with '/'
  // Columns whose presence in the header identifies the dataset (all must be present).
  std::vector<std::string> signature;
  // Columns forming the row's local id; one column is used as it is (when it is a plain
  // token), several are hashed together. Alternatives as in ColumnRule::columns.
  std::vector<std::vector<std::string>> id_columns;
  std::vector<std::string> municipality_code_columns;  // 6-digit 全国地方公共団体コード
  std::vector<std::string> municipality_name_columns;  // looked up in municipality_codes
  std::map<std::string, std::string> municipality_codes;  // name -> 6-digit code
  std::vector<std::string> latitude_columns;
  std::vector<std::string> longitude_columns;
  std::vector<ColumnRule> columns;
  // How often the publisher is expected to update the dataset, in days: the freshness check
  // of the data quality report (GIF 468 最新性) compares each record's last update with it.
  // A tenant may override it in the configuration file (docs/data-quality.md).
  int update_cycle_days = 365;
};

}  // namespace renkei::opendata
