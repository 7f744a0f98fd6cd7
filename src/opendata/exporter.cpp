#include "opendata/exporter.hpp"

#include <boost/json.hpp>

#include "opendata/export_row.hpp"
#include "opendata/standard_datasets.hpp"
#include "service/access_check.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;

// Entities read per store query; the output is produced page by page.
constexpr std::size_t kPageSize = 1000;

std::string CsvLine(const std::vector<std::string>& cells) {
  std::string line;
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) line += ',';
    line += CsvField(cells[i]);
  }
  line += "\r\n";  // RFC 4180 §2.1
  return line;
}

// RFC 7946 §3.2: a Feature with the entity's Point (or null geometry) and the row's columns.
std::string Feature(const core::Entity& entity, const std::vector<std::string>& header,
                    const std::vector<std::string>& cells) {
  json::object feature;
  feature["type"] = "Feature";
  feature["id"] = entity.id;
  const core::Attribute* location = entity.Find("location");
  feature["geometry"] = location && location->value.is_object() ? location->value : json::value();
  json::object properties;
  for (std::size_t i = 0; i < header.size(); ++i) properties[header[i]] = cells[i];
  feature["properties"] = std::move(properties);
  return json::serialize(feature);
}

}  // namespace

std::optional<ExportFormat> ParseExportFormat(std::string_view text) {
  if (text == "csv") return ExportFormat::kCsv;
  if (text == "geojson") return ExportFormat::kGeoJson;
  return std::nullopt;
}

std::string CsvField(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

base::Result<ExportSummary> ExportDataset(const service::EntityService& service,
                                          const service::RequestContext& ctx,
                                          const ExportOptions& options, const ExportSink& sink) {
  auto layout = FindStandardDataset(options.dataset);
  auto columns = FindStandardColumns(options.dataset, options.generation);
  if (!layout || !columns) {
    return base::Fail(base::ErrorCode::kBadRequestData, "UnknownDataset",
                      "no built-in dataset '" + options.dataset + "'");
  }
  // An admin data endpoint: `administer` on the dataset's type besides reading it
  // (docs/security.md "Enforcement").
  RENKEI_TRY_VOID(service::Authorize(ctx, auth::Action::kAdminister, layout->entity_type));
  const ExportRowRenderer renderer(*layout, std::move(*columns));

  store::EntityQuery query;
  query.selectors.push_back(store::EntitySelector{{}, {}, layout->entity_type, {}, false});
  query.scope = ctx.scope;
  query.now = ctx.now;
  query.limit = kPageSize;
  query.want_count = true;
  RENKEI_TRY(auto page, service.Query(ctx, query));
  const std::size_t total = page.total_count.value_or(0);
  if (total > options.max_entities) {
    return base::Fail(base::ErrorCode::kBadRequestData, "TooManyEntities",
                      std::to_string(total) + " entities of type " + layout->entity_type +
                          " exceed the export limit of " + std::to_string(options.max_entities) +
                          " (renkei export opendata has none)");
  }

  const bool csv = options.format == ExportFormat::kCsv;
  if (csv) {
    sink((options.bom ? "\xEF\xBB\xBF" : "") + CsvLine(renderer.header()));
  } else {
    sink(R"({"type":"FeatureCollection","features":[)");
  }
  ExportSummary summary;
  query.want_count = false;
  while (true) {
    std::string chunk;
    for (const auto& entity : page.entities) {
      const auto cells = renderer.Render(entity);
      if (csv) {
        chunk += CsvLine(cells);
      } else {
        if (summary.entities > 0) chunk += ',';
        chunk += Feature(entity, renderer.header(), cells);
      }
      ++summary.entities;
    }
    sink(chunk);
    if (page.entities.size() < kPageSize) break;
    query.offset += kPageSize;
    RENKEI_TRY(page, service.Query(ctx, query));
  }
  if (!csv) sink("]}\n");
  return summary;
}

}  // namespace renkei::opendata
