// QualitySettings: the update cycles the data quality report's freshness check uses, from
// the configuration file's [quality] section (docs/data-quality.md "Configuration"): a
// value per dataset for every tenant, and per tenant. Immutable once built; thread-safe.
#pragma once

#include <map>
#include <string>

#include "opendata/dataset_layout.hpp"

namespace renkei::opendata {

// Longest update cycle accepted in the configuration (ten years).
inline constexpr int kMaxUpdateCycleDays = 3653;

struct QualitySettings {
  std::map<std::string, int> update_cycle_days;  // dataset name -> days
  std::map<std::string, std::map<std::string, int>> tenant_update_cycle_days;  // tenant -> ...

  // The tenant's value for the dataset, else the configured one, else the layout's default.
  int UpdateCycleDays(const std::string& tenant, const DatasetLayout& layout) const;
};

}  // namespace renkei::opendata
