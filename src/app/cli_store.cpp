#include "app/cli_store.hpp"

#include <filesystem>
#include <ostream>
#include <system_error>

#include "base/log.hpp"

namespace renkei::app {

std::unique_ptr<store::sqlite::SqliteStore> OpenCliStore(const std::string& data_dir,
                                                         bool must_exist, std::ostream& err) {
  std::error_code ec;
  if (must_exist && !std::filesystem::is_directory(data_dir, ec)) {
    err << "renkei: no data directory " << data_dir << "\n";
    return nullptr;
  }
  store::sqlite::SqliteOptions options;
  options.data_dir = data_dir;
  options.logger = base::MakeLogger(base::LogLevel::kWarn);
  options.adopt_value_index = false;  // the server's configuration decides (ADR 0018)
  auto opened = store::sqlite::SqliteStore::Open(options);
  if (!opened) {
    err << "renkei: cannot open the store in " << data_dir << ": " << opened.error().detail << "\n";
    return nullptr;
  }
  return std::move(*opened);
}

}  // namespace renkei::app
