#include "opendata/quality_service.hpp"

#include <map>
#include <string_view>
#include <utility>

#include "opendata/municipal_offices.hpp"
#include "opendata/municipality_code.hpp"
#include "opendata/standard_datasets.hpp"
#include "service/access_check.hpp"

namespace renkei::opendata {
namespace {

constexpr std::size_t kPageSize = 1000;

std::string KnownDatasetNames() {
  std::string names;
  for (const auto& layout : StandardDatasets()) {
    names += (names.empty() ? "" : ", ") + layout.name;
  }
  return names;
}

}  // namespace

base::Result<std::vector<core::Entity>> QualityService::ReadRecords(
    const service::RequestContext& ctx, const std::string& type) const {
  std::vector<core::Entity> records;
  store::EntityQuery query;
  store::EntitySelector selector;
  selector.type = type;
  query.selectors.push_back(std::move(selector));
  query.order.push_back(store::OrderKey{store::OrderKey::Field::kId, {}, false});
  query.limit = kPageSize;
  for (;;) {
    RENKEI_TRY(auto page, entities_.Query(ctx, query));
    const std::size_t got = page.entities.size();
    for (auto& entity : page.entities) records.push_back(std::move(entity));
    if (records.size() > kMaxQualityRecords) {
      return base::Fail(base::ErrorCode::kTooManyResults, "TooManyRecords",
                        "more than " + std::to_string(kMaxQualityRecords) + " records of type " +
                            type + "; the quality report reads at most that many");
    }
    if (got < kPageSize) break;
    query.offset += got;
  }
  return records;
}

base::Result<void> QualityService::CiteSources(const service::RequestContext& ctx,
                                               const std::string& type,
                                               const std::vector<core::Entity>& records,
                                               DatasetQuality& report) const {
  if (report.failures.empty()) return base::Ok();
  RENKEI_TRY(auto sources, entities_.ImportSources(ctx, type));
  // Sources by key; only those of records this caller read are used (the query applied
  // the scope and the read grants), so a source never reveals another entity.
  using Key = std::pair<std::string_view, std::string_view>;  // id, ServicePath
  std::map<Key, const store::ImportSource*> by_key;
  for (const auto& s : sources) by_key.emplace(Key(s.id, s.service_path), &s.source);
  std::map<std::string_view, const store::ImportSource*> by_id;
  for (const auto& record : records) {
    if (auto it = by_key.find(Key(record.id, record.service_path)); it != by_key.end()) {
      by_id.emplace(record.id, it->second);
    }
  }
  for (auto& failure : report.failures) {
    auto it = by_id.find(failure.entity_id);
    if (it == by_id.end()) continue;
    failure.line = it->second->line;
    failure.file = it->second->file;
    failure.imported_at = it->second->imported_at;
  }
  return base::Ok();
}

base::Result<std::vector<DatasetQuality>> QualityService::Assess(
    const service::RequestContext& ctx, const std::optional<std::string>& dataset) const {
  std::vector<const DatasetLayout*> layouts;
  for (const auto& layout : StandardDatasets()) {
    if (!dataset || layout.name == *dataset || layout.entity_type == *dataset) {
      layouts.push_back(&layout);
    }
  }
  if (dataset && layouts.empty()) {
    return base::Fail(base::ErrorCode::kBadRequestData, "UnknownDataset",
                      "unknown dataset '" + *dataset +
                          "'; give a dataset name or its entity type: " + KnownDatasetNames());
  }
  // The admin data endpoints need `administer` besides reading (docs/security.md): on the
  // dataset's type when one is named, else on some type.
  if (layouts.size() == 1) {
    RENKEI_TRY_VOID(
        service::Authorize(ctx, auth::Action::kAdminister, layouts.front()->entity_type));
  } else {
    RENKEI_TRY_VOID(service::AuthorizeSome(ctx, auth::Action::kAdminister));
  }
  AssessmentInput input;
  input.now = ctx.now;
  // A municipality's tenant is its 全国地方公共団体コード (architecture.md "Tenants").
  if (IsValidMunicipalityCode(ctx.tenant)) {
    input.municipality_code = ctx.tenant;
    input.office = MunicipalOffice(ctx.tenant);
  }
  std::vector<DatasetQuality> reports;
  for (const auto* layout : layouts) {
    RENKEI_TRY(auto records, ReadRecords(ctx, layout->entity_type));
    if (records.empty()) continue;
    QualityDefinition definition = DefinitionOf(*layout);
    definition.update_cycle_days = settings_.UpdateCycleDays(ctx.tenant, *layout);
    auto report = AssessDataset(definition, records, input);
    RENKEI_TRY_VOID(CiteSources(ctx, layout->entity_type, records, report));
    reports.push_back(std::move(report));
  }
  if (dataset && reports.empty()) {
    return base::Fail(base::ErrorCode::kResourceNotFound, "NoRecords",
                      "tenant '" + ctx.tenant + "' has no records of dataset " +
                          layouts.front()->name + " (type " + layouts.front()->entity_type + ")");
  }
  return reports;
}

}  // namespace renkei::opendata
