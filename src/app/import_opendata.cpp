#include "app/import_opendata.hpp"

#include <fstream>
#include <ostream>
#include <sstream>

#include "base/log.hpp"
#include "opendata/importer.hpp"
#include "opendata/layout_file.hpp"
#include "opendata/municipality_code.hpp"
#include "service/entity_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace renkei::app {
namespace {

void PrintIssues(std::ostream& out, const std::string& file, const char* what,
                 const std::vector<opendata::RowIssue>& issues) {
  for (const auto& issue : issues) {
    out << file << ":" << issue.line << ": " << what << ": ";
    if (!issue.column.empty()) out << "column '" << issue.column << "': ";
    out << issue.reason << "\n";
  }
}

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

}  // namespace

int RunImportOpendata(const ImportCommand& command, std::ostream& out, std::ostream& err) {
  opendata::ImportOptions options;
  options.dataset = command.dataset;
  options.service_path = command.service_path;
  options.batch_size = command.batch_size;
  if (command.tenant) {
    // Tenants of municipalities are their 全国地方公共団体コード (architecture.md "Tenants").
    if (!opendata::IsValidMunicipalityCode(*command.tenant)) {
      err << "renkei: --tenant " << *command.tenant
          << " is not a 6-digit 全国地方公共団体コード with a valid check digit\n";
      return 2;
    }
    options.tenant = command.tenant;
  }
  if (command.dataset && !opendata::FindStandardDataset(*command.dataset)) {
    err << "renkei: unknown --dataset " << *command.dataset << " (one of:";
    for (const auto& layout : opendata::StandardDatasets()) err << " " << layout.name;
    err << ")\n";
    return 2;
  }
  if (command.mapping) {
    auto layout = opendata::LoadLayoutFile(*command.mapping);
    if (!layout) {
      err << "renkei: " << layout.error().detail << "\n";
      return 2;
    }
    options.layout = std::move(*layout);
  }

  // The store is opened when the first file is ready to write, so a run that writes nothing
  // (a dry run, unusable files) leaves no data directory behind.
  std::unique_ptr<store::sqlite::SqliteStore> store;
  std::optional<service::EntityService> service;
  auto open_store = [&]() -> bool {
    if (service) return true;
    store::sqlite::SqliteOptions store_options;
    store_options.data_dir = command.data_dir;
    store_options.logger = base::MakeLogger(base::LogLevel::kWarn);
    auto opened = store::sqlite::SqliteStore::Open(store_options);
    if (!opened) {
      err << "renkei: cannot open the store in " << command.data_dir << ": "
          << opened.error().detail << "\n";
      return false;
    }
    store = std::move(*opened);
    service.emplace(*store);
    return true;
  };

  int exit_code = 0;
  base::SystemClock clock;
  for (const auto& file : command.files) {
    auto bytes = ReadFile(file);
    if (!bytes) {
      err << file << ": cannot read the file\n";
      exit_code = 2;
      continue;
    }
    auto prepared = opendata::PrepareFile(*bytes, options);
    if (!prepared) {
      err << file << ": " << prepared.error().detail << "\n";
      exit_code = 2;
      continue;
    }
    out << file << ": " << opendata::EncodingName(prepared->encoding) << ", dataset "
        << prepared->layout.name << " (" << prepared->layout.title << ", "
        << opendata::GenerationName(prepared->generation) << ") -> type "
        << prepared->layout.entity_type << "\n";
    PrintIssues(out, file, "warning", prepared->warnings);
    PrintIssues(out, file, "rejected", prepared->rejected);
    std::size_t rejected = prepared->rejected.size();
    const std::size_t to_write = prepared->entities.size();
    opendata::WriteSummary written;
    if (!command.dry_run && !open_store()) return 2;
    if (service) {
      auto result =
          opendata::WriteEntities(*service, std::move(prepared->entities), options, clock.Now());
      if (!result) {
        err << file << ": " << result.error().detail << "\n";
        exit_code = 2;
        continue;
      }
      written = std::move(*result);
      PrintIssues(out, file, "rejected", written.rejected);
      rejected += written.rejected.size();
    }
    out << file << ": read " << prepared->rows_read << ", ";
    if (service) {
      out << "imported " << written.created + written.updated + written.unchanged << " (created "
          << written.created << ", updated " << written.updated << ", unchanged "
          << written.unchanged << ")";
    } else {
      out << "would import " << to_write << " (dry run)";
    }
    out << ", rejected " << rejected << ", skipped " << prepared->skipped
        << " (other municipality), warnings " << prepared->warnings.size() << "\n";
    if (rejected > 0 && exit_code == 0) exit_code = 1;
  }
  if (store) store->Close();
  return exit_code;
}

}  // namespace renkei::app
