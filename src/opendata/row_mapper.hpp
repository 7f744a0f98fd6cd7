// RowMapper: one CSV record -> one core::Entity following a DatasetLayout.
//
// The entity id is derived from the data so that a re-import finds the same entity:
// `urn:ngsi-ld:<Type>:<municipality code>-<local id>`, the local id being the dataset's
// ID/NO column (or a hash of the layout's id columns). `location` is a GeoJSON Point
// (lon, lat) as NGSIv2 geo:json, with exchanged coordinates detected for Japan.
// Problems are reported by line and column: a rejected row yields no entity; warnings
// (a value that could not be normalised, a short row) leave the rest of the row imported.
// Immutable after Create; Map is thread-safe.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "opendata/csv_reader.hpp"
#include "opendata/dataset_layout.hpp"

namespace renkei::opendata {

struct RowIssue {
  std::size_t line = 0;
  std::string column;  // header name; empty when the issue concerns the whole row
  std::string reason;
};

struct MappedRow {
  std::optional<core::Entity> entity;  // empty when the row is rejected
  std::optional<RowIssue> rejection;
  std::string municipality_code;  // from the row; empty when the row names none
  std::vector<RowIssue> warnings;
};

class RowMapper {
 public:
  // `default_municipality` (a 6-digit code or empty) is used for rows that name none.
  // With `strict` (mapping files), every column the layout names must be in the header:
  // kBadRequestData listing those missing. Built-in layouts leave absent optional columns.
  static base::Result<RowMapper> Create(DatasetLayout layout, std::vector<std::string> header,
                                        std::string default_municipality, bool strict);

  MappedRow Map(const CsvRecord& record) const;
  const DatasetLayout& layout() const { return layout_; }

 private:
  struct BoundRule {
    ColumnRule rule;
    std::size_t index;
  };
  RowMapper() = default;
  std::optional<std::size_t> Find(const std::vector<std::string>& names) const;
  // At least as many attributes as Map makes of a row with these fields, and close to it:
  // rows leave many cells empty, and the entity's vector is stored as reserved (the write
  // log keeps entities in memory until they are applied), so one slot per rule wasted a
  // quarter of an open-data entity's memory.
  std::size_t AttributeBound(const std::vector<std::string>& fields) const;

  DatasetLayout layout_;
  std::vector<std::string> header_;
  std::string default_municipality_;
  std::vector<BoundRule> rules_;
  std::vector<std::size_t> id_indexes_;
  std::optional<std::size_t> code_index_, name_index_, lat_index_, lon_index_;
};

// FNV-1a 64 of `text` as 12 lowercase hex digits: the local id of rows without an ID column.
std::string ShortHash(std::string_view text);

}  // namespace renkei::opendata
