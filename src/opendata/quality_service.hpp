// QualityService: the data quality use case (docs/data-quality.md). Reads a tenant's records
// of each standard dataset through EntityService (never the store) and assesses them with
// AssessDataset; the HTTP endpoint (api/quality) and `renkei quality` (app) both call it.
// Failures of imported records cite their source line (docs/adr/0017-import-provenance.md).
// Thread-safe: Assess may run concurrently (reads only).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "opendata/quality_report.hpp"
#include "opendata/quality_settings.hpp"
#include "service/entity_service.hpp"
#include "service/request_context.hpp"

namespace renkei::opendata {

// The most records of one dataset a report reads (docs/data-quality.md "Limits"); a larger
// dataset is refused with kTooManyResults rather than assessed in part.
inline constexpr std::size_t kMaxQualityRecords = 200'000;

class QualityService {
 public:
  QualityService(const service::EntityService& entities, QualitySettings settings)
      : entities_(entities), settings_(std::move(settings)) {}

  // Reports for ctx.tenant (its records visible in ctx.scope), assessed at ctx.now. Without
  // `dataset`: every standard dataset the tenant has records of (possibly none). With it (a
  // dataset name such as "evacuation_space" or its entity type "EvacuationSite"): that one;
  // kBadRequestData for a name that is neither, kResourceNotFound when the tenant has no
  // records of it, kTooManyResults above kMaxQualityRecords.
  base::Result<std::vector<DatasetQuality>> Assess(const service::RequestContext& ctx,
                                                   const std::optional<std::string>& dataset) const;

 private:
  base::Result<std::vector<core::Entity>> ReadRecords(const service::RequestContext& ctx,
                                                      const std::string& type) const;
  // Gives each failure of a record that was imported its source (line, file, import time;
  // ADR 0017), matched by the record's key among `records`.
  base::Result<void> CiteSources(const service::RequestContext& ctx, const std::string& type,
                                 const std::vector<core::Entity>& records,
                                 DatasetQuality& report) const;

  const service::EntityService& entities_;
  QualitySettings settings_;
};

}  // namespace renkei::opendata
