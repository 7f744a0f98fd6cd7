// `renkei export opendata`: writes a tenant's entities of one built-in dataset from the
// embedded store of a data directory as the dataset's standard CSV or as GeoJSON, to a file
// or stdout (opendata/exporter.hpp; docs/opendata-mapping.md "Export").
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

namespace renkei::app {

struct ExportCommand {
  std::string data_dir;
  std::string tenant;
  std::string dataset;
  std::string format = "csv";      // csv | geojson
  std::string generation = "new";  // new | old header generation
  bool bom = false;
  std::optional<std::string> output;  // nullopt: `out`
};

// Exit code: 0 written, 2 bad options, unreadable store or unwritable output.
int RunExportOpendata(const ExportCommand& command, std::ostream& out, std::ostream& err);

}  // namespace renkei::app
