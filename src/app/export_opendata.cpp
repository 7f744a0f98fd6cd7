#include "app/export_opendata.hpp"

#include <fstream>
#include <ostream>

#include "app/cli_store.hpp"
#include "opendata/exporter.hpp"
#include "opendata/standard_datasets.hpp"
#include "service/entity_service.hpp"

namespace renkei::app {

int RunExportOpendata(const ExportCommand& command, std::ostream& out, std::ostream& err) {
  opendata::ExportOptions options;
  options.dataset = command.dataset;
  options.bom = command.bom;
  if (!opendata::FindStandardDataset(command.dataset)) {
    err << "renkei: unknown --dataset " << command.dataset << " (one of:";
    for (const auto& layout : opendata::StandardDatasets()) err << " " << layout.name;
    err << ")\n";
    return 2;
  }
  auto format = opendata::ParseExportFormat(command.format);
  auto generation = opendata::ParseExportGeneration(command.generation);
  if (!format || !generation) {
    err << "renkei: --format must be csv or geojson and --generation new or old\n";
    return 2;
  }
  options.format = *format;
  options.generation = *generation;
  auto store = OpenCliStore(command.data_dir, /*must_exist=*/true, err);
  if (!store) return 2;
  service::EntityService service(*store);
  service::RequestContext ctx;
  ctx.tenant = command.tenant;
  ctx.scope = store::ServicePathScope::Everything();
  ctx.now = base::SystemClock().Now();

  std::ofstream file;
  if (command.output) {
    file.open(*command.output, std::ios::binary | std::ios::trunc);
    if (!file) {
      err << "renkei: cannot write " << *command.output << "\n";
      store->Close();
      return 2;
    }
  }
  std::ostream& sink_stream = command.output ? file : out;
  auto written = opendata::ExportDataset(service, ctx, options,
                                         [&](std::string_view piece) { sink_stream << piece; });
  sink_stream.flush();
  store->Close();
  if (!written) {
    err << "renkei: " << written.error().detail << "\n";
    return 2;
  }
  if (!sink_stream) {
    err << "renkei: writing the export failed\n";
    return 2;
  }
  err << "exported " << written->entities << " entities of dataset " << command.dataset
      << " from tenant " << (command.tenant.empty() ? "(default)" : command.tenant) << "\n";
  return 0;
}

}  // namespace renkei::app
