// `renkei quality --data-dir D --tenant T [--dataset X] [--json]`: the data quality report
// (docs/data-quality.md) of one tenant of a data directory, as a table or as the same JSON
// as GET /admin/v1/quality. Reads through EntityService like the HTTP endpoint.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "opendata/quality_settings.hpp"

namespace renkei::app {

struct QualityCommand {
  std::string data_dir;
  // Assess this CSV file (read like `renkei import opendata`) instead of the data directory.
  std::optional<std::string> file;
  std::optional<std::string> mapping;  // with `file`: a TOML mapping file
  std::string tenant;
  std::optional<std::string> dataset;
  std::optional<std::string> check;  // list only this check's failures
  std::string service_path = "/#";
  std::size_t limit = 20;  // failing records listed per dataset
  std::size_t offset = 0;
  bool json = false;
  opendata::QualitySettings settings;
};

// Exit code: 0 the report was written, 2 the options, the data directory, the file or the
// dataset could not be used (the reason on `err`).
int RunQuality(const QualityCommand& command, std::ostream& out, std::ostream& err);

}  // namespace renkei::app
