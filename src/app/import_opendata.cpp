#include "app/import_opendata.hpp"

#include <filesystem>
#include <ostream>

#include "app/cli_store.hpp"
#include "app/progress_bar.hpp"
#include "base/file_contents.hpp"
#include "opendata/import_report.hpp"
#include "opendata/layout_file.hpp"
#include "opendata/municipality_code.hpp"
#include "service/entity_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace renkei::app {

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
    store = OpenCliStore(command.data_dir, /*must_exist=*/false, err);
    if (!store) return false;
    service.emplace(*store);
    return true;
  };

  int exit_code = 0;
  bool store_failed = false;
  base::SystemClock clock;
  const opendata::WriterProvider writer =
      command.dry_run ? opendata::WriterProvider()
                      : opendata::WriterProvider([&]() -> base::Result<service::EntityService*> {
                          if (!open_store()) {
                            store_failed = true;
                            return base::Fail(base::ErrorCode::kInternalError, "StoreUnavailable",
                                              "the store could not be opened");
                          }
                          return &*service;
                        });
  for (const auto& file : command.files) {
    auto bytes = base::ReadFileContents(file);
    if (!bytes) {
      err << file << ": cannot read the file\n";
      exit_code = 2;
      continue;
    }
    // The name without folders: where the operator keeps files is no part of the record.
    options.source_file = std::filesystem::path(file).filename().string();
    const bool show_progress =
        command.progress_on_terminal && bytes->size() >= kProgressBarMinBytes;
    ProgressBar bar(err, show_progress);
    // Without a bar nobody needs the total, which costs a second pass over the file.
    options.progress = nullptr;
    if (show_progress) {
      options.progress = [&bar](std::string_view phase, std::size_t done, std::size_t total) {
        bar.Update(phase, done, total);
      };
    }
    auto report = opendata::ImportFile(*bytes, options, writer, clock.Now());
    bar.Finish();
    if (!report) {
      if (store_failed) return 2;  // the store could not be opened (said above)
      err << file << ": " << report.error().detail << "\n";
      exit_code = 2;
      continue;
    }
    opendata::PrintReport(out, file, *report);
    if (!report->rejected.empty() && exit_code == 0) exit_code = 1;
  }
  if (store) store->Close();
  return exit_code;
}

}  // namespace renkei::app
