// ExportRowRenderer: one entity -> the cells of its dataset's standard CSV row, the inverse of
// RowMapper for the built-in layouts (docs/opendata-mapping.md "Export"). Each header column
// is bound once to what fills it: the municipality code, the local id, a coordinate, or the
// attribute of the layout's rule naming that column. Dates and times are written as their
// original text when the import kept one, so `9:00` and 和暦 dates come back as published.
// Immutable after Create; Render is thread-safe.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "opendata/dataset_layout.hpp"
#include "opendata/standard_columns.hpp"

namespace renkei::opendata {

class ExportRowRenderer {
 public:
  ExportRowRenderer(const DatasetLayout& layout, StandardColumns columns);

  const std::vector<std::string>& header() const { return columns_.header; }
  // One cell per header column; "" where the entity has no value.
  std::vector<std::string> Render(const core::Entity& entity) const;

 private:
  enum class Source { kNone, kCode, kLocalId, kLatitude, kLongitude, kRule };
  struct Binding {
    Source source = Source::kNone;
    ColumnRule rule;  // kRule
  };
  std::string RenderRule(const ColumnRule& rule, const core::Entity& entity) const;

  std::string entity_type_;
  StandardColumns columns_;
  std::vector<Binding> bindings_;
};

// The local id (the ID/NO column) of an imported entity id: the inverse of RowMapper's
// `urn:ngsi-ld:<Type>:<code>-<local>` (or `<local>` when it starts with the code).
std::string LocalIdOf(const std::string& entity_id, const std::string& entity_type,
                      const std::string& municipality_code);

// A JSON number as CSV text: integers as integers, others in the shortest exact form.
std::string NumberText(const boost::json::value& number);

}  // namespace renkei::opendata
