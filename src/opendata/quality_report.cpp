#include "opendata/quality_report.hpp"

#include <algorithm>
#include <cmath>
#include <iomanip>
#include <map>
#include <sstream>

#include <boost/json.hpp>

#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;

constexpr std::int64_t kMillisPerDay = 86'400'000;

// Check names in report order (docs/data-quality.md lists what each one does).
constexpr std::string_view kRequired = "required";
constexpr std::string_view kUpdateCycle = "update_cycle";
constexpr std::string_view kInJapan = "coordinates_in_japan";
constexpr std::string_view kNear = "coordinates_near_municipality";
constexpr std::string_view kMunicipalityCode = "municipality_code";
constexpr std::string_view kPostalCode = "postal_code";
constexpr std::string_view kTelephone = "telephone";
constexpr std::string_view kDate = "date_valid";
constexpr std::string_view kTime = "time_valid";
constexpr std::string_view kWareki = "no_wareki";
constexpr std::string_view kAddressLot = "address_lot_number";

struct CheckSpec {
  std::string_view name;
  QualityDimension dimension;
};
constexpr CheckSpec kChecks[] = {
    {kRequired, QualityDimension::kCompleteness},
    {kUpdateCycle, QualityDimension::kFreshness},
    {kInJapan, QualityDimension::kAccuracy},
    {kNear, QualityDimension::kAccuracy},
    {kMunicipalityCode, QualityDimension::kAccuracy},
    {kPostalCode, QualityDimension::kAccuracy},
    {kTelephone, QualityDimension::kAccuracy},
    {kDate, QualityDimension::kAccuracy},
    {kTime, QualityDimension::kAccuracy},
    {kWareki, QualityDimension::kAccuracy},
    {kAddressLot, QualityDimension::kAccuracy},
};

// The attribute names the standard layouts give these columns (docs/opendata-mapping.md).
constexpr std::string_view kTelephoneAttributes[] = {"telephone", "faxNumber"};
constexpr std::string_view kCodeAttribute = "municipalityCode";
constexpr std::string_view kOwnerCodeAttribute = "ownerMunicipalityCode";
// The dataset's own 最終更新日 / 更新日 column (standard_datasets.cpp), preferred over the
// platform's dateModified: it says when the publisher last revised the content.
constexpr std::string_view kSourceModifiedAttribute = "sourceDateModified";

std::string ValueText(const json::value& value) {
  if (value.is_string()) return std::string(value.as_string());
  return json::serialize(value);
}

bool IsEmptyValue(const json::value& value) {
  if (value.is_null()) return true;
  if (value.is_string()) return value.as_string().empty();
  if (value.is_array()) return value.as_array().empty();
  if (value.is_object()) return value.as_object().empty();
  return false;
}

double AsDouble(const json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  return std::nan("");
}

// A GeoJSON Point (geo:json, NGSI-LD GeoProperty) or an NGSIv2 geo:point "lat, lon".
std::optional<GeoPoint> PointOf(const core::Entity& entity) {
  for (const auto& a : entity.attributes) {
    if (a.kind != core::AttributeKind::kGeoProperty) continue;
    if (a.value.is_object()) {
      const auto& o = a.value.as_object();
      const auto* type = o.if_contains("type");
      const auto* coordinates = o.if_contains("coordinates");
      if (type == nullptr || !type->is_string() || type->as_string() != "Point" ||
          coordinates == nullptr || !coordinates->is_array() ||
          coordinates->as_array().size() < 2) {
        continue;
      }
      const double lon = AsDouble(coordinates->as_array()[0]);
      const double lat = AsDouble(coordinates->as_array()[1]);
      if (std::isfinite(lat) && std::isfinite(lon)) return GeoPoint{lat, lon};
    } else if (a.value.is_string() && a.type == "geo:point") {
      const std::string text(a.value.as_string());
      const auto comma = text.find(',');
      if (comma == std::string::npos) continue;
      try {
        return GeoPoint{std::stod(text.substr(0, comma)), std::stod(text.substr(comma + 1))};
      } catch (const std::exception&) {
        continue;
      }
    }
  }
  return std::nullopt;
}

double Median(std::vector<double> values) {
  const auto middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle),
                   values.end());
  const double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  const double lower =
      *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(middle));
  return (lower + upper) / 2;
}

// The reference of "near": the municipal office when known, else the per-axis median of
// the located records (robust: fewer than half of them can be anywhere without moving it
// far). The radius is 3 × the records' median distance from it, at least kMinNearRadiusKm,
// so a large municipality (田辺市, 1,026 km²) is not held to a small town's radius.
std::optional<ReferencePoint> ChooseReference(const std::vector<GeoPoint>& points,
                                              const std::optional<GeoPoint>& office) {
  std::vector<GeoPoint> in_japan;
  for (const auto& p : points) {
    if (InJapan(p)) in_japan.push_back(p);
  }
  ReferencePoint reference;
  if (office) {
    reference.point = *office;
    reference.source = "municipal office";
  } else if (in_japan.size() >= kMinRecordsForMedian) {
    std::vector<double> lats, lons;
    for (const auto& p : in_japan) {
      lats.push_back(p.lat);
      lons.push_back(p.lon);
    }
    reference.point = GeoPoint{Median(lats), Median(lons)};
    reference.source = "median of the records";
  } else {
    return std::nullopt;
  }
  reference.radius_km = kMinNearRadiusKm;
  if (!in_japan.empty()) {
    std::vector<double> distances;
    for (const auto& p : in_japan) distances.push_back(DistanceKm(reference.point, p));
    reference.radius_km = std::max(kMinNearRadiusKm, 3 * Median(distances));
  }
  return reference;
}

// GIF DS-444: decimal degrees with 6 decimal places.
std::string FormatCoordinates(GeoPoint p) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(6) << p.lat << ',' << p.lon;
  return text.str();
}

std::string FormatKm(double km) {
  std::ostringstream text;
  text << std::fixed << std::setprecision(1) << km << " km";
  return text.str();
}

double Percent(std::size_t good, std::size_t all) {
  if (all == 0) return 100;
  return std::round(1000.0 * static_cast<double>(good) / static_cast<double>(all)) / 10.0;
}

// Collects counts and failures of one dataset in check order.
class Tally {
 public:
  Tally() {
    for (const auto& spec : kChecks) counts_.push_back({std::string(spec.name), spec.dimension});
  }
  void Pass(std::string_view check) { Find(check).checked++; }
  void Fail(std::string_view check, const core::Entity& entity, std::string attribute,
            std::string value, std::string reason) {
    auto& count = Find(check);
    count.checked++;
    count.failed++;
    failures_.push_back(QualityFailure{entity.id, std::nullopt, std::string(check), count.dimension,
                                       std::move(attribute), std::move(value), std::move(reason)});
  }
  // `problem` empty: passed.
  void Record(std::string_view check, const core::Entity& entity, const std::string& attribute,
              const std::string& value, const std::optional<std::string>& problem) {
    if (problem) {
      Fail(check, entity, attribute, value, *problem);
    } else {
      Pass(check);
    }
  }
  const CheckCount& Count(std::string_view check) { return Find(check); }
  std::vector<CheckCount> TakeCounts() { return std::move(counts_); }
  std::vector<QualityFailure> TakeFailures() { return std::move(failures_); }

 private:
  CheckCount& Find(std::string_view check) {
    return *std::find_if(counts_.begin(), counts_.end(),
                         [&](const CheckCount& c) { return c.check == check; });
  }
  std::vector<CheckCount> counts_;
  std::vector<QualityFailure> failures_;
};

void CheckCompleteness(const QualityDefinition& definition, const core::Entity& entity,
                       Tally& tally) {
  for (const auto& required : definition.required) {
    const auto* attribute = entity.Find(required.attribute);
    const bool present = (attribute != nullptr && !IsEmptyValue(attribute->value)) ||
                         (!required.original.empty() && entity.Find(required.original));
    if (present) {
      tally.Pass(kRequired);
    } else {
      tally.Fail(kRequired, entity, required.attribute, "",
                 "required (必須) attribute is missing or empty");
    }
  }
}

// Returns the record's last update and its freshness score (0–100).
double CheckFreshness(const core::Entity& entity, int cycle_days, base::Timestamp now, Tally& tally,
                      base::Timestamp& last_update) {
  last_update = entity.modified_at;
  std::string source = "dateModified";
  if (const auto* own = entity.Find(kSourceModifiedAttribute); own && own->value.is_string()) {
    if (auto parsed = base::ParseIso8601(std::string(own->value.as_string()))) {
      last_update = *parsed;
      source = std::string(kSourceModifiedAttribute);
    }
  }
  const double age_days =
      static_cast<double>(now.millis - last_update.millis) / static_cast<double>(kMillisPerDay);
  const double cycle = static_cast<double>(cycle_days);
  if (age_days <= cycle) {
    tally.Pass(kUpdateCycle);
    return 100;
  }
  tally.Fail(kUpdateCycle, entity, source, base::FormatIso8601(last_update),
             "last updated " + std::to_string(static_cast<long long>(age_days)) +
                 " days ago; the update cycle is " + std::to_string(cycle_days) + " days");
  // Linear from 100 at one cycle to 0 at two cycles (docs/data-quality.md "freshness").
  return std::max(0.0, 100.0 * (2.0 - age_days / cycle));
}

void CheckMunicipalityCodes(const core::Entity& entity, const std::string& tenant_code,
                            Tally& tally) {
  for (std::string_view name : {kCodeAttribute, kOwnerCodeAttribute}) {
    const auto* attribute = entity.Find(name);
    if (attribute == nullptr) continue;
    const std::string value = ValueText(attribute->value);
    std::optional<std::string> problem;
    if (!attribute->value.is_string() || !IsValidMunicipalityCode(value)) {
      problem = "not a 6-digit 全国地方公共団体コード with a valid check digit";
      const auto check_digit =
          value.size() == 6 ? MunicipalityCheckDigit(value.substr(0, 5)) : std::nullopt;
      if (check_digit)
        *problem += " (the check digit of " + value.substr(0, 5) + " is " + *check_digit + ")";
    } else if (name == kCodeAttribute && !tenant_code.empty() && value != tenant_code) {
      problem = "the record names municipality " + value + " but is in tenant " + tenant_code;
    }
    tally.Record(kMunicipalityCode, entity, std::string(name), value, problem);
  }
}

void CheckContacts(const core::Entity& entity, Tally& tally) {
  if (const auto* postal = entity.Find("postalCode")) {
    const std::string value = ValueText(postal->value);
    tally.Record(kPostalCode, entity, "postalCode", value, PostalCodeProblem(value));
  }
  for (std::string_view name : kTelephoneAttributes) {
    const auto* phone = entity.Find(name);
    if (phone == nullptr) continue;
    const std::string value = ValueText(phone->value);
    tally.Record(kTelephone, entity, std::string(name), value, TelephoneProblem(value));
  }
  if (const auto* address = entity.Find("address")) {
    const std::string value = ValueText(address->value);
    tally.Record(kAddressLot, entity, "address", value, AddressProblem(value));
  }
}

// Normalised date/time fields: the layout's, plus any attribute typed Date or Time.
void CheckDatesAndTimes(const QualityDefinition& definition, const core::Entity& entity,
                        Tally& tally) {
  std::vector<QualityDefinition::Normalised> fields = definition.normalised;
  for (const auto& a : entity.attributes) {
    if (a.type != "Date" && a.type != "Time") continue;
    const bool known = std::any_of(fields.begin(), fields.end(),
                                   [&](const auto& f) { return f.attribute == a.name; });
    if (!known) fields.push_back({a.name, "", a.type == "Date"});
  }
  for (const auto& field : fields) {
    const std::string_view check = field.is_date ? kDate : kTime;
    const auto* attribute = entity.Find(field.attribute);
    if (attribute == nullptr) {
      // The import keeps only the source text when it could not read it (row_mapper.cpp).
      const auto* original = field.original.empty() ? nullptr : entity.Find(field.original);
      // The source text may hold 和暦: keeping it is what `original` is for, so no_wareki
      // looks at normalised fields only.
      if (original != nullptr) {
        tally.Fail(check, entity, field.original, ValueText(original->value),
                   std::string("could not be read as a ") + (field.is_date ? "date" : "time") +
                       "; only the source text is stored");
      }
      continue;
    }
    const std::string value = ValueText(attribute->value);
    std::optional<std::string> problem;
    if (!attribute->value.is_string()) {
      problem = "not a string";
    } else {
      problem = field.is_date ? DateProblem(value) : TimeProblem(value);
    }
    tally.Record(check, entity, field.attribute, value, problem);
    tally.Record(kWareki, entity, field.attribute, value,
                 ContainsWareki(value) ? std::optional<std::string>(
                                             "和暦 left in a normalised field (GIF 468 標準適合性)")
                                       : std::nullopt);
  }
}

}  // namespace

std::string_view DimensionName(QualityDimension dimension) {
  switch (dimension) {
    case QualityDimension::kCompleteness:
      return "completeness";
    case QualityDimension::kFreshness:
      return "freshness";
    case QualityDimension::kAccuracy:
      return "accuracy";
  }
  return "?";
}

std::vector<std::string_view> QualityCheckNames() {
  std::vector<std::string_view> names;
  for (const auto& spec : kChecks) names.push_back(spec.name);
  return names;
}

QualityDefinition DefinitionOf(const DatasetLayout& layout) {
  QualityDefinition definition;
  definition.name = layout.name;
  definition.title = layout.title;
  definition.entity_type = layout.entity_type;
  definition.update_cycle_days = layout.update_cycle_days;
  auto has_required = [&](const std::string& attribute) {
    return std::any_of(definition.required.begin(), definition.required.end(),
                       [&](const auto& r) { return r.attribute == attribute; });
  };
  auto has_normalised = [&](const std::string& attribute) {
    return std::any_of(definition.normalised.begin(), definition.normalised.end(),
                       [&](const auto& n) { return n.attribute == attribute; });
  };
  for (const auto& rule : layout.columns) {
    if (rule.required && !has_required(rule.attribute)) {
      definition.required.push_back({rule.attribute, rule.original_attribute});
    }
    const bool date = rule.kind == ValueKind::kDate;
    const bool time = rule.kind == ValueKind::kTime || rule.kind == ValueKind::kTimeRange;
    if ((date || time) && !has_normalised(rule.attribute)) {
      definition.normalised.push_back({rule.attribute, rule.original_attribute, date});
    }
    if (rule.kind == ValueKind::kTimeRange && !has_normalised(rule.end_attribute)) {
      definition.normalised.push_back({rule.end_attribute, rule.original_attribute, false});
    }
  }
  return definition;
}

DatasetQuality AssessDataset(const QualityDefinition& definition,
                             const std::vector<core::Entity>& records,
                             const AssessmentInput& input) {
  DatasetQuality report;
  report.definition = definition;
  report.records = records.size();
  Tally tally;
  double freshness_sum = 0;
  std::vector<std::pair<const core::Entity*, GeoPoint>> located;
  for (const auto& entity : records) {
    CheckCompleteness(definition, entity, tally);
    base::Timestamp last{};
    freshness_sum += CheckFreshness(entity, definition.update_cycle_days, input.now, tally, last);
    if (!report.oldest_update || last < *report.oldest_update) report.oldest_update = last;
    if (!report.newest_update || last > *report.newest_update) report.newest_update = last;
    if (auto point = PointOf(entity)) {
      located.emplace_back(&entity, *point);
      std::optional<std::string> problem;
      if (!InJapan(*point)) {
        problem = "outside Japan (latitude 20–46, longitude 122–154)";
        if (InJapan(GeoPoint{point->lon, point->lat})) problem = *problem + "; lat/lon swapped?";
      }
      tally.Record(kInJapan, entity, "location", FormatCoordinates(*point), problem);
    }
    CheckMunicipalityCodes(entity, input.municipality_code, tally);
    CheckContacts(entity, tally);
    CheckDatesAndTimes(definition, entity, tally);
  }
  report.with_location = located.size();

  std::vector<GeoPoint> points;
  for (const auto& [entity, point] : located) points.push_back(point);
  report.reference = ChooseReference(points, input.office);
  if (report.reference) {
    for (const auto& [entity, point] : located) {
      if (!InJapan(point)) continue;  // already a failure of coordinates_in_japan
      const double km = DistanceKm(report.reference->point, point);
      std::optional<std::string> problem;
      if (km > report.reference->radius_km) {
        problem = FormatKm(km) + " from the " + report.reference->source + " (" +
                  FormatCoordinates(report.reference->point) + "); near means within " +
                  FormatKm(report.reference->radius_km);
      }
      tally.Record(kNear, *entity, "location", FormatCoordinates(point), problem);
    }
  }

  report.checks = tally.TakeCounts();
  report.failures = tally.TakeFailures();
  // Failures in record order, then check order: stable pages for the same data.
  std::map<std::string_view, std::size_t> record_order;
  for (std::size_t i = 0; i < records.size(); ++i) record_order.emplace(records[i].id, i);
  std::stable_sort(report.failures.begin(), report.failures.end(),
                   [&](const QualityFailure& a, const QualityFailure& b) {
                     return record_order[a.entity_id] < record_order[b.entity_id];
                   });

  std::size_t completeness_checked = 0, completeness_failed = 0;
  std::size_t accuracy_checked = 0, accuracy_failed = 0;
  for (const auto& count : report.checks) {
    if (count.dimension == QualityDimension::kCompleteness) {
      completeness_checked += count.checked;
      completeness_failed += count.failed;
    } else if (count.dimension == QualityDimension::kAccuracy) {
      accuracy_checked += count.checked;
      accuracy_failed += count.failed;
    }
  }
  auto& scores = report.scores;
  scores.completeness = Percent(completeness_checked - completeness_failed, completeness_checked);
  scores.accuracy = Percent(accuracy_checked - accuracy_failed, accuracy_checked);
  scores.freshness =
      records.empty()
          ? 100
          : std::round(10.0 * freshness_sum / static_cast<double>(records.size())) / 10.0;
  scores.overall =
      std::round(10.0 * (scores.completeness + scores.freshness + scores.accuracy) / 3.0) / 10.0;
  return report;
}

}  // namespace renkei::opendata
