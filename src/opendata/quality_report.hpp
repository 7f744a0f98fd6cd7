// The data quality report of one dataset of one tenant (GIF 468 データ品質管理ガイドブック:
// 完全性, 最新性, 正確性; docs/data-quality.md has the checks and the score formulas).
// AssessDataset is pure: it gets the dataset's records, "now", the update cycle and the
// municipality, and returns scores per dimension, counts per check and every failing
// record. Reading the records is QualityService's job (quality_service.hpp). Thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "core/entity.hpp"
#include "opendata/dataset_layout.hpp"
#include "opendata/quality_checks.hpp"

namespace renkei::opendata {

enum class QualityDimension { kCompleteness, kFreshness, kAccuracy };
std::string_view DimensionName(QualityDimension dimension);

// The names of every check, in report order ("required", "update_cycle", "telephone", ...).
std::vector<std::string_view> QualityCheckNames();

// What the report checks in a dataset, derived from its layout.
struct QualityDefinition {
  std::string name;   // "evacuation_space"
  std::string title;  // "指定緊急避難場所一覧"
  std::string entity_type;
  // 必須 attributes; a required attribute counts as present when the attribute that keeps
  // its source text (`original`, e.g. opensText) is, since the cell was then not empty.
  struct Required {
    std::string attribute;
    std::string original;
  };
  std::vector<Required> required;
  // Normalised date and time attributes (ValueKind kDate / kTime / kTimeRange) and the
  // attribute holding the source text when normalising failed.
  struct Normalised {
    std::string attribute;
    std::string original;
    bool is_date = true;
  };
  std::vector<Normalised> normalised;
  int update_cycle_days = 365;
};
QualityDefinition DefinitionOf(const DatasetLayout& layout);

struct QualityFailure {
  std::string entity_id;
  std::optional<std::size_t> line;  // the source CSV line, when known (below)
  std::string check;                // "telephone", "required", ... (docs/data-quality.md)
  QualityDimension dimension = QualityDimension::kAccuracy;
  std::string attribute;
  std::string value;  // the offending value as text; empty when the attribute is missing
  std::string reason;
  // Where a stored record came from, when it was imported (ADR 0017): `line` above, the
  // file's name and the time of the import (an API write may have changed the value since).
  // A checked file's records have `line` only.
  std::string file = {};
  std::optional<base::Timestamp> imported_at = std::nullopt;
};

struct CheckCount {
  std::string check;
  QualityDimension dimension = QualityDimension::kAccuracy;
  std::size_t checked = 0;
  std::size_t failed = 0;
};

struct QualityScores {
  double completeness = 100;
  double freshness = 100;
  double accuracy = 100;
  double overall = 100;
};

// Where "near the municipality" is measured from.
struct ReferencePoint {
  GeoPoint point;
  std::string source;  // "municipal office" or "median of the records"
  double radius_km = 0;
};

struct DatasetQuality {
  QualityDefinition definition;
  std::size_t records = 0;
  std::size_t with_location = 0;
  std::optional<base::Timestamp> oldest_update, newest_update;
  std::optional<ReferencePoint> reference;
  QualityScores scores;
  std::vector<CheckCount> checks;  // in a fixed order
  std::vector<QualityFailure> failures;
};

struct AssessmentInput {
  // The tenant's 全国地方公共団体コード; empty when the tenant is not a municipality code
  // (then records are not compared with it).
  std::string municipality_code;
  std::optional<GeoPoint> office;  // municipal_offices.hpp; nullopt: use the median
  base::Timestamp now;
};

// Records whose location lies further than this from the reference are "not near"; the
// radius grows with how spread the records are (docs/data-quality.md "accuracy").
inline constexpr double kMinNearRadiusKm = 25.0;
// The median needs this many located records to be a reference at all.
inline constexpr std::size_t kMinRecordsForMedian = 5;

DatasetQuality AssessDataset(const QualityDefinition& definition,
                             const std::vector<core::Entity>& records,
                             const AssessmentInput& input);

}  // namespace renkei::opendata
