#include "opendata/quality_file.hpp"

#include <map>

#include "opendata/municipal_offices.hpp"
#include "opendata/standard_datasets.hpp"

namespace renkei::opendata {

base::Result<FileQuality> AssessFile(std::string_view bytes, const ImportOptions& options,
                                     const QualitySettings& settings, base::Timestamp now) {
  if (!options.tenant) {
    return base::Fail(base::ErrorCode::kBadRequestData, "NoTenant",
                      "a file is assessed for one tenant; give its 全国地方公共団体コード");
  }
  RENKEI_TRY(auto prepared, PrepareFile(bytes, options));
  FileQuality out;
  out.encoding = prepared.encoding;
  out.layout_name = prepared.layout.name;
  out.rows_read = prepared.rows_read;
  out.skipped = prepared.skipped;
  out.rejected = std::move(prepared.rejected);
  out.warnings = std::move(prepared.warnings);

  // The stored records of this type are judged by the standard dataset's definition, so the
  // file is too (a Wakayama 避難先情報一覧 against 指定緊急避難場所一覧).
  DatasetLayout definition_layout = prepared.layout;
  for (const auto& standard : StandardDatasets()) {
    if (standard.entity_type == prepared.layout.entity_type) definition_layout = standard;
  }
  QualityDefinition definition = DefinitionOf(definition_layout);
  definition.update_cycle_days = settings.UpdateCycleDays(*options.tenant, definition_layout);

  std::vector<core::Entity> records;
  std::map<std::string, std::size_t> lines;
  for (auto& prepared_entity : prepared.entities) {
    if (prepared_entity.tenant != *options.tenant) continue;
    prepared_entity.entity.modified_at = now;
    lines.emplace(prepared_entity.entity.id, prepared_entity.line);
    records.push_back(std::move(prepared_entity.entity));
  }
  AssessmentInput input;
  input.municipality_code = *options.tenant;
  input.office = MunicipalOffice(*options.tenant);
  input.now = now;
  out.report = AssessDataset(definition, records, input);
  for (auto& failure : out.report.failures) {
    if (auto it = lines.find(failure.entity_id); it != lines.end()) failure.line = it->second;
  }
  return out;
}

}  // namespace renkei::opendata
