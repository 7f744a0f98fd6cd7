// Positions of municipal offices (市役所・町村役場): the reference point of the data quality
// report's "near the municipality" check when the tenant is one of them. Only the
// municipalities of the demo data (docs/data-quality.md says why and how the positions were
// checked); other tenants use the median of their records. Pure, thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "opendata/quality_checks.hpp"

namespace renkei::opendata {

// The office of the municipality with this 6-digit 全国地方公共団体コード, if in the table.
std::optional<GeoPoint> MunicipalOffice(std::string_view municipality_code);

}  // namespace renkei::opendata
