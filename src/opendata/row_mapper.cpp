#include "opendata/row_mapper.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <boost/json.hpp>

#include "opendata/japanese_datetime.hpp"
#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;
using core::Attribute;
using core::AttributeKind;

bool IsAsciiBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

constexpr std::string_view kIdeographicSpace = "\u3000";  // full-width, common in Japanese cells

// `text` without leading and trailing blanks (ASCII ones and U+3000). A view of `text`: every
// cell of every row goes through here, so no copy is made.
std::string_view Trim(std::string_view text) {
  for (;;) {
    if (!text.empty() && IsAsciiBlank(text.front())) {
      text.remove_prefix(1);
    } else if (text.starts_with(kIdeographicSpace)) {
      text.remove_prefix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  for (;;) {
    if (!text.empty() && IsAsciiBlank(text.back())) {
      text.remove_suffix(1);
    } else if (text.ends_with(kIdeographicSpace)) {
      text.remove_suffix(kIdeographicSpace.size());
    } else {
      break;
    }
  }
  return text;
}

Attribute MakeAttribute(const std::string& name, std::string type, json::value value) {
  Attribute a;
  a.name = name;
  a.kind = AttributeKind::kProperty;
  a.type = std::move(type);
  a.value = std::move(value);
  return a;
}

// "1,234", "１２", "52.5" -> a number; integers stay integers so they render as `52`.
std::optional<json::value> ParseNumber(std::string_view cell) {
  std::string text;
  for (char c : NarrowAscii(cell)) {
    if (c != ',' && c != ' ') text.push_back(c);
  }
  if (text.empty()) return std::nullopt;
  double value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(value)) {
    return std::nullopt;
  }
  if (value == std::floor(value) && std::fabs(value) < 9e15) {
    return json::value(static_cast<std::int64_t>(value));
  }
  return json::value(value);
}

std::optional<bool> ParseFlag(std::string_view cell) {
  const std::string text = NarrowAscii(cell);
  for (std::string_view yes :
       {"有", "○", "◯", "〇", "1", "あり", "有り", "可", "true", "TRUE", "Yes"}) {
    if (text == yes) return true;
  }
  for (std::string_view no :
       {"無", "×", "0", "なし", "無し", "不可", "false", "FALSE", "No", "-"}) {
    if (text == no) return false;
  }
  return std::nullopt;
}

bool InJapan(double lat, double lon) {
  // Japan's extreme points: 沖ノ鳥島 20.42N, 択捉島 45.56N, 与那国島 122.93E, 南鳥島 153.99E.
  return lat >= 20.0 && lat <= 46.0 && lon >= 122.0 && lon <= 154.0;
}

bool IsPlainToken(std::string_view text) {
  return !text.empty() && text.size() <= 64 && std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '.';
  });
}

// A prefecture's own code (e.g. 300004 和歌山県) names no municipality: its JIS digits 3-5 are 0.
bool IsPrefectureCode(std::string_view code) { return code.substr(2, 3) == "000"; }

Attribute* FindOrAddList(std::vector<Attribute>& attributes, const std::string& name) {
  for (auto& a : attributes) {
    if (a.name == name) return &a;
  }
  attributes.push_back(MakeAttribute(name, "StructuredValue", json::array()));
  return &attributes.back();
}

void SetAttribute(std::vector<Attribute>& attributes, Attribute attribute) {
  for (auto& a : attributes) {
    if (a.name == attribute.name) {
      a = std::move(attribute);
      return;
    }
  }
  attributes.push_back(std::move(attribute));
}

}  // namespace

std::string ShortHash(std::string_view text) {
  std::uint64_t hash = 14695981039346656037ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ULL;
  }
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(hash));
  return std::string(buffer, 12);
}

std::optional<std::size_t> RowMapper::Find(const std::vector<std::string>& names) const {
  for (const auto& name : names) {
    auto it = std::find(header_.begin(), header_.end(), name);
    if (it != header_.end()) return static_cast<std::size_t>(it - header_.begin());
  }
  return std::nullopt;
}

base::Result<RowMapper> RowMapper::Create(DatasetLayout layout, std::vector<std::string> header,
                                          std::string default_municipality, bool strict) {
  RowMapper m;
  m.layout_ = std::move(layout);
  m.header_ = std::move(header);
  m.default_municipality_ = std::move(default_municipality);
  std::vector<std::string> missing;
  auto require = [&](const std::vector<std::string>& names) {
    auto index = m.Find(names);
    if (!index && strict && !names.empty()) missing.push_back(names.front());
    return index;
  };
  for (const auto& rule : m.layout_.columns) {
    if (auto index = require(rule.columns)) m.rules_.push_back({rule, *index});
  }
  for (const auto& id : m.layout_.id_columns) {
    if (auto index = require(id)) m.id_indexes_.push_back(*index);
  }
  m.code_index_ = require(m.layout_.municipality_code_columns);
  m.name_index_ = require(m.layout_.municipality_name_columns);
  m.lat_index_ = require(m.layout_.latitude_columns);
  m.lon_index_ = require(m.layout_.longitude_columns);
  if (!missing.empty()) {
    std::string list;
    for (const auto& name : missing) list += (list.empty() ? "" : ", ") + name;
    return base::Fail(base::ErrorCode::kBadRequestData, "MissingColumns",
                      "the mapping names columns the file's header does not have: " + list);
  }
  if (m.id_indexes_.empty()) {
    return base::Fail(base::ErrorCode::kBadRequestData, "NoIdColumns",
                      "none of the id columns of dataset " + m.layout_.name +
                          " is in the header, so rows have no stable id");
  }
  return m;
}

std::size_t RowMapper::AttributeBound(const std::vector<std::string>& fields) const {
  std::size_t bound = 2;  // location, municipalityCode
  for (const auto& [rule, index] : rules_) {
    if (rule.kind == ValueKind::kFlag && !rule.list_value.empty()) {
      ++bound;  // the list exists even when every flag of it is empty
      continue;
    }
    if (index >= fields.size() || Trim(fields[index]).empty()) continue;
    const std::size_t original = rule.original_attribute.empty() ? 0 : 1;
    switch (rule.kind) {
      case ValueKind::kDate:
      case ValueKind::kTime:
        bound += 1 + original;
        break;
      case ValueKind::kTimeRange:
        bound += 2 + original;
        break;
      default:
        ++bound;
    }
  }
  return bound;
}

MappedRow RowMapper::Map(const CsvRecord& record) const {
  MappedRow out;
  const auto& fields = record.fields;
  auto reject = [&](std::string column, std::string reason) {
    out.rejection = RowIssue{record.line, std::move(column), std::move(reason)};
    return out;
  };
  auto warn = [&](std::string column, std::string reason) {
    out.warnings.push_back(RowIssue{record.line, std::move(column), std::move(reason)});
  };
  // Ragged rows (susamicho.csv: 27 fields under a 28-column header). Missing trailing cells
  // are read as empty; extra non-empty cells would have no column to go to.
  if (fields.size() > header_.size()) {
    const bool extra_empty =
        std::all_of(fields.begin() + static_cast<std::ptrdiff_t>(header_.size()), fields.end(),
                    [](const std::string& f) { return Trim(f).empty(); });
    if (!extra_empty) {
      return reject("", std::to_string(fields.size()) + " fields but the header has " +
                            std::to_string(header_.size()) + " columns");
    }
  } else if (fields.size() < header_.size()) {
    warn(header_[fields.size()], std::to_string(fields.size()) + " fields but the header has " +
                                     std::to_string(header_.size()) +
                                     " columns; the missing ones are read as empty");
  }
  // Views into `record`, which outlives this call.
  auto cell = [&](std::size_t index) {
    return index < fields.size() ? Trim(fields[index]) : std::string_view();
  };

  // The municipality: its code column, else its name looked up in the layout's table.
  if (code_index_) {
    const std::string_view code = cell(*code_index_);
    if (!code.empty()) {
      auto normalized = NormalizeMunicipalityCode(code);
      if (!normalized) {
        return reject(header_[*code_index_],
                      "'" + std::string(code) +
                          "' is not a 全国地方公共団体コード (6 digits with check digit)");
      }
      if (!IsPrefectureCode(*normalized)) out.municipality_code = *normalized;
    }
  }
  if (out.municipality_code.empty() && name_index_) {
    const std::string name(cell(*name_index_));
    auto it = layout_.municipality_codes.find(name);
    if (name.empty()) return reject(header_[*name_index_], "no municipality name");
    if (it == layout_.municipality_codes.end()) {
      return reject(header_[*name_index_],
                    "municipality '" + name + "' is not in the mapping's municipalities table");
    }
    out.municipality_code = it->second;
  }
  const std::string& id_code =
      out.municipality_code.empty() ? default_municipality_ : out.municipality_code;
  if (id_code.empty()) {
    return reject("", "the row names no municipality; give --tenant");
  }

  // The stable id (re-import updates the same entity).
  std::string local;
  if (id_indexes_.size() == 1) {
    local = cell(id_indexes_.front());
    if (local.empty()) return reject(header_[id_indexes_.front()], "empty id");
    if (!IsPlainToken(local)) local = ShortHash(local);
  } else {
    std::string key;
    for (auto index : id_indexes_) {
      key += cell(index);
      key += '\x1f';
    }
    local = ShortHash(key);
  }
  core::Entity entity;
  entity.id = "urn:ngsi-ld:" + layout_.entity_type + ":" +
              (local.starts_with(id_code) ? local : id_code + "-" + local);
  entity.types = {layout_.entity_type};
  auto& attributes = entity.attributes;
  attributes.reserve(AttributeBound(fields));

  for (const auto& [rule, index] : rules_) {
    const std::string& column = header_[index];
    const std::string_view text = cell(index);
    if (rule.kind == ValueKind::kFlag && !rule.list_value.empty()) {
      auto* list = FindOrAddList(attributes, rule.attribute);
      if (text.empty()) continue;
      auto flag = ParseFlag(text);
      if (!flag) {
        warn(column, "'" + std::string(text) + "' is not a flag (1/有/○ or empty)");
      } else if (*flag) {
        list->value.as_array().emplace_back(rule.list_value);
      }
      continue;
    }
    if (text.empty()) continue;
    switch (rule.kind) {
      case ValueKind::kText:
        SetAttribute(attributes, MakeAttribute(rule.attribute, "Text", json::value(text)));
        break;
      case ValueKind::kNumber:
        if (auto number = ParseNumber(text)) {
          SetAttribute(attributes, MakeAttribute(rule.attribute, "Number", *number));
        } else {
          warn(column, "'" + std::string(text) + "' is not a number; left out");
        }
        break;
      case ValueKind::kFlag:
        if (auto flag = ParseFlag(text)) {
          SetAttribute(attributes, MakeAttribute(rule.attribute, "Boolean", json::value(*flag)));
        } else {
          warn(column, "'" + std::string(text) + "' is not a flag (有/無, ○, 1/0); left out");
        }
        break;
      case ValueKind::kDate:
      case ValueKind::kTime: {
        const bool date = rule.kind == ValueKind::kDate;
        auto normalized = date ? NormalizeDate(text) : NormalizeTime(text);
        if (normalized) {
          SetAttribute(attributes, MakeAttribute(rule.attribute, date ? "Date" : "Time",
                                                 json::value(*normalized)));
        } else {
          warn(column, "'" + std::string(text) + "' is not a " + (date ? "date" : "time") +
                           "; only the original text is kept");
        }
        if (!rule.original_attribute.empty() && (!normalized || *normalized != text)) {
          SetAttribute(attributes,
                       MakeAttribute(rule.original_attribute, "Text", json::value(text)));
        }
        break;
      }
      case ValueKind::kTimeRange: {
        auto range = NormalizeTimeRange(text);
        if (range) {
          SetAttribute(attributes,
                       MakeAttribute(rule.attribute, "Time", json::value(range->start)));
          SetAttribute(attributes,
                       MakeAttribute(rule.end_attribute, "Time", json::value(range->end)));
        } else {
          warn(column,
               "'" + std::string(text) + "' holds no time range; only the original text is kept");
        }
        if (!rule.original_attribute.empty()) {
          SetAttribute(attributes,
                       MakeAttribute(rule.original_attribute, "Text", json::value(text)));
        }
        break;
      }
      case ValueKind::kList: {
        json::array items;
        std::string_view rest = text;
        while (!rest.empty()) {
          const auto at = rest.find(rule.separator);
          const std::string_view item = Trim(rest.substr(0, at));
          if (!item.empty()) items.emplace_back(item);
          rest = at == std::string_view::npos ? std::string_view()
                                              : rest.substr(at + rule.separator.size());
        }
        SetAttribute(attributes,
                     MakeAttribute(rule.attribute, "StructuredValue", std::move(items)));
        break;
      }
    }
  }

  if (lat_index_ && lon_index_) {
    const std::string lat_text(cell(*lat_index_)), lon_text(cell(*lon_index_));
    const std::string& lat_column = header_[*lat_index_];
    auto lat = ParseNumber(lat_text), lon = ParseNumber(lon_text);
    if (lat_text.empty() && lon_text.empty()) {
      warn(lat_column, "no coordinates; imported without location");
    } else if (!lat || !lon) {
      warn(lat_text.empty() || !lat ? lat_column : header_[*lon_index_],
           "coordinates '" + lat_text + "', '" + lon_text +
               "' are not numbers; imported without location");
    } else {
      double la = lat->is_int64() ? static_cast<double>(lat->as_int64()) : lat->as_double();
      double lo = lon->is_int64() ? static_cast<double>(lon->as_int64()) : lon->as_double();
      if (la == 0 && lo == 0) {
        warn(lat_column, "coordinates 0,0 (a placeholder); imported without location");
        la = lo = std::nan("");
      } else if (!InJapan(la, lo) && InJapan(lo, la)) {
        // The columns are exchanged in this row (GIF DS-444 puts 緯度 before 経度; files differ).
        warn(lat_column,
             "latitude and longitude exchanged (" + lat_text + ", " + lon_text + "); swapped back");
        std::swap(la, lo);
      } else if (!InJapan(la, lo)) {
        warn(lat_column, "coordinates " + lat_text + ", " + lon_text +
                             " are outside Japan; imported without location");
        la = lo = std::nan("");
      }
      if (!std::isnan(la)) {
        Attribute location =
            MakeAttribute("location", "geo:json",
                          json::value{{"type", "Point"}, {"coordinates", json::array{lo, la}}});
        location.kind = AttributeKind::kGeoProperty;
        SetAttribute(attributes, std::move(location));
      }
    }
  }
  SetAttribute(attributes, MakeAttribute("municipalityCode", "Text", json::value(id_code)));
  out.entity = std::move(entity);
  return out;
}

}  // namespace renkei::opendata
