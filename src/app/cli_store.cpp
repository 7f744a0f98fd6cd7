#include "app/cli_store.hpp"

#include <chrono>
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
  // A command's writes come in bulk (an import): a smaller overlay keeps the applier's rounds
  // (half of it, write_log.hpp) short, so less is left to apply after the last row is read,
  // and holds less memory; synced records are applied at once (a short-lived command has no
  // stream of single writes to gather); the WAL is left for the server to checkpoint.
  options.max_overlay_bytes = 16u << 20;
  options.checkpoint_on_close = false;
  options.apply_delay = std::chrono::milliseconds(0);
  auto opened = store::sqlite::SqliteStore::Open(options);
  if (!opened) {
    err << "renkei: cannot open the store in " << data_dir << ": " << opened.error().detail << "\n";
    return nullptr;
  }
  return std::move(*opened);
}

}  // namespace renkei::app
