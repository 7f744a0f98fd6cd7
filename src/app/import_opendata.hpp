// `renkei import opendata FILE…`: imports open-data CSVs into the embedded store of a data
// directory through EntityService (the same service layer as the HTTP API), printing every
// rejected row and warning (file:line: column: reason) and a summary per file.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace renkei::app {

struct ImportCommand {
  std::vector<std::string> files;
  std::optional<std::string> tenant;
  std::optional<std::string> dataset;
  std::optional<std::string> mapping;
  std::string data_dir;
  std::string service_path = "/";
  std::size_t batch_size = 2000;  // entities per chunk (opendata::ImportOptions)
  bool dry_run = false;
  // Draw a progress bar on `err` for large files (main sets it when stderr is a terminal).
  bool progress_on_terminal = false;
};

// Exit code: 0 every row imported, 1 some rows rejected (the others imported), 2 a file,
// the options or the store could not be used (that file is not imported at all).
int RunImportOpendata(const ImportCommand& command, std::ostream& out, std::ostream& err);

}  // namespace renkei::app
