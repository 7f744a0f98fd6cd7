#include "opendata/quality_settings.hpp"

namespace renkei::opendata {

int QualitySettings::UpdateCycleDays(const std::string& tenant, const DatasetLayout& layout) const {
  if (auto t = tenant_update_cycle_days.find(tenant); t != tenant_update_cycle_days.end()) {
    if (auto d = t->second.find(layout.name); d != t->second.end()) return d->second;
  }
  if (auto d = update_cycle_days.find(layout.name); d != update_cycle_days.end()) return d->second;
  return layout.update_cycle_days;
}

}  // namespace renkei::opendata
