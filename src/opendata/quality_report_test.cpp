#include "opendata/quality_report.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "opendata/quality_json.hpp"
#include "opendata/quality_settings.hpp"
#include "opendata/standard_datasets.hpp"

namespace renkei::opendata {
namespace {

namespace json = boost::json;
constexpr std::int64_t kDay = 86'400'000;
const base::Timestamp kNow{1'780'000'000'000};

core::Attribute Text(std::string name, std::string value, std::string type = "Text") {
  core::Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.value = json::value(value);
  return a;
}

core::Attribute Point(double lat, double lon) {
  core::Attribute a;
  a.name = "location";
  a.kind = core::AttributeKind::kGeoProperty;
  a.type = "geo:json";
  a.value = json::value{{"type", "Point"}, {"coordinates", json::array{lon, lat}}};
  return a;
}

// A complete, valid 白浜町 evacuation site at (lat, lon).
core::Entity Site(std::string id, double lat = 33.678, double lon = 135.348) {
  core::Entity e;
  e.id = "urn:ngsi-ld:EvacuationSite:" + std::move(id);
  e.types = {"EvacuationSite"};
  e.modified_at = base::Timestamp{kNow.millis - 10 * kDay};
  e.attributes = {Text("name", "白浜第一小学校"),
                  Text("nameKana", "シラハマダイイチショウガッコウ"),
                  Text("address", "和歌山県西牟婁郡白浜町1600"),
                  Text("telephone", "0739-43-5555"),
                  Text("postalCode", "6492211"),
                  Text("municipalityCode", "304018"),
                  Point(lat, lon)};
  core::Attribute hazards;
  hazards.name = "hazards";
  hazards.type = "StructuredValue";
  hazards.value = json::array{"津波"};
  e.attributes.push_back(hazards);
  return e;
}

QualityDefinition Evacuation() { return DefinitionOf(*FindStandardDataset("evacuation_space")); }

AssessmentInput Shirahama() { return AssessmentInput{"304018", GeoPoint{33.6781, 135.3479}, kNow}; }

const CheckCount& Count(const DatasetQuality& q, std::string_view check) {
  for (const auto& c : q.checks) {
    if (c.check == check) return c;
  }
  throw std::runtime_error("no check " + std::string(check));
}

TEST(QualityDefinition, RequiredColumnsOfTheStandardDatasets) {
  EXPECT_EQ(Evacuation().required.size(), 5u);
  const auto toilet = DefinitionOf(*FindStandardDataset("public_toilet"));
  EXPECT_EQ(toilet.required.size(), 8u);
  const auto event = DefinitionOf(*FindStandardDataset("event"));
  EXPECT_EQ(event.required.size(), 9u);  // name once, although two columns map onto it
  EXPECT_EQ(event.update_cycle_days, 30);
  const auto medical = DefinitionOf(*FindStandardDataset("medical_institution"));
  ASSERT_EQ(medical.required.size(), 10u);
  // A required time is present when its source text is (the cell was not empty).
  bool opens_has_original = false;
  for (const auto& r : medical.required) {
    if (r.attribute == "opens") opens_has_original = r.original == "opensText";
  }
  EXPECT_TRUE(opens_has_original);
  for (const auto& layout : StandardDatasets()) {
    EXPECT_FALSE(DefinitionOf(layout).required.empty()) << layout.name;
  }
}

TEST(QualityReport, CleanRecordsScoreFullMarks) {
  std::vector<core::Entity> records;
  for (int i = 0; i < 6; ++i) records.push_back(Site("304018-" + std::to_string(i)));
  const auto q = AssessDataset(Evacuation(), records, Shirahama());
  EXPECT_EQ(q.records, 6u);
  EXPECT_EQ(q.with_location, 6u);
  EXPECT_TRUE(q.failures.empty());
  EXPECT_EQ(q.scores.overall, 100);
  EXPECT_EQ(Count(q, "required").checked, 30u);
  EXPECT_EQ(Count(q, "telephone").checked, 6u);
  EXPECT_EQ(q.reference->source, "municipal office");
}

TEST(QualityReport, EachCheckFindsItsDefect) {
  std::vector<core::Entity> records;
  records.push_back(Site("304018-ok"));
  auto missing = Site("304018-missing");
  missing.Erase("nameKana");
  missing.Find("hazards")->value = json::array{};
  records.push_back(missing);
  auto stale = Site("304018-stale");
  stale.modified_at = base::Timestamp{kNow.millis - 400 * kDay};
  records.push_back(stale);
  auto abroad = Site("304018-abroad", 135.348, 33.678);  // swapped
  records.push_back(abroad);
  auto far = Site("304018-far", 35.6812, 139.7671);  // Tokyo station
  records.push_back(far);
  auto code = Site("304018-code");
  code.Find("municipalityCode")->value = "304010";
  records.push_back(code);
  auto other = Site("304018-other");
  other.Find("municipalityCode")->value = "304069";
  records.push_back(other);
  auto contact = Site("304018-contact");
  contact.Find("postalCode")->value = "649-2211";
  contact.Find("telephone")->value = "0739435555";
  contact.Find("address")->value = "すさみ町周参見0-0";
  records.push_back(contact);
  auto dates = Site("304018-dates");
  dates.attributes.push_back(Text("openingDate", "令和6年4月1日", "Date"));
  dates.attributes.push_back(Text("opens", "25:00:00", "Time"));
  records.push_back(dates);

  const auto q = AssessDataset(Evacuation(), records, Shirahama());
  auto failed = [&](std::string_view id, std::string_view check) {
    for (const auto& f : q.failures) {
      if (f.entity_id == "urn:ngsi-ld:EvacuationSite:304018-" + std::string(id) &&
          f.check == check) {
        return true;
      }
    }
    return false;
  };
  EXPECT_TRUE(failed("missing", "required"));
  EXPECT_EQ(Count(q, "required").failed, 2u);  // nameKana and the empty hazards list
  EXPECT_TRUE(failed("stale", "update_cycle"));
  EXPECT_TRUE(failed("abroad", "coordinates_in_japan"));
  EXPECT_FALSE(failed("abroad", "coordinates_near_municipality"));  // counted once
  EXPECT_TRUE(failed("far", "coordinates_near_municipality"));
  EXPECT_TRUE(failed("code", "municipality_code"));
  EXPECT_TRUE(failed("other", "municipality_code"));
  EXPECT_TRUE(failed("contact", "postal_code"));
  EXPECT_TRUE(failed("contact", "telephone"));
  EXPECT_TRUE(failed("contact", "address_lot_number"));
  EXPECT_TRUE(failed("dates", "date_valid"));
  EXPECT_TRUE(failed("dates", "no_wareki"));
  EXPECT_TRUE(failed("dates", "time_valid"));
  EXPECT_FALSE(failed("ok", "required"));
  for (const auto& f : q.failures) EXPECT_NE(f.entity_id, "urn:ngsi-ld:EvacuationSite:304018-ok");

  // Scores follow docs/data-quality.md: completeness = present / required cells.
  EXPECT_DOUBLE_EQ(q.scores.completeness, std::round(1000.0 * 43 / 45) / 10);
  // Freshness: 400 days against a 365-day cycle is (2 - 400/365) * 100 for that record.
  const double stale_score = 100.0 * (2.0 - 400.0 / 365.0);
  EXPECT_NEAR(q.scores.freshness, (8 * 100.0 + stale_score) / 9, 0.06);
  EXPECT_LT(q.scores.accuracy, 100);
  EXPECT_NEAR(q.scores.overall,
              (q.scores.completeness + q.scores.freshness + q.scores.accuracy) / 3, 0.06);
}

TEST(QualityReport, SourceUpdateDateWinsOverDateModified) {
  auto record = Site("304018-1");
  record.attributes.push_back(Text("sourceDateModified", "2020-01-01", "Date"));
  const auto q = AssessDataset(Evacuation(), {record}, Shirahama());
  ASSERT_EQ(Count(q, "update_cycle").failed, 1u);
  EXPECT_EQ(q.failures.front().attribute, "sourceDateModified");
  EXPECT_EQ(q.scores.freshness, 0);
}

TEST(QualityReport, MedianIsTheReferenceWithoutAnOffice) {
  std::vector<core::Entity> records;
  for (int i = 0; i < 6; ++i) records.push_back(Site(std::to_string(i), 35.68 + i * 0.01, 139.8));
  records.push_back(Site("osaka", 34.69, 135.50));
  const auto q = AssessDataset(Evacuation(), records, AssessmentInput{"", std::nullopt, kNow});
  ASSERT_TRUE(q.reference);
  EXPECT_EQ(q.reference->source, "median of the records");
  EXPECT_NEAR(q.reference->point.lat, 35.71, 0.011);
  EXPECT_EQ(Count(q, "coordinates_near_municipality").failed, 1u);
  EXPECT_EQ(q.failures.back().entity_id, "urn:ngsi-ld:EvacuationSite:osaka");
  // Tenant "" is no municipality: codes are checked for their check digit only.
  EXPECT_EQ(Count(q, "municipality_code").failed, 0u);
}

TEST(QualityReport, TooFewLocatedRecordsHaveNoReference) {
  const auto q =
      AssessDataset(Evacuation(), {Site("a"), Site("b")}, AssessmentInput{"", std::nullopt, kNow});
  EXPECT_FALSE(q.reference);
  EXPECT_EQ(Count(q, "coordinates_near_municipality").checked, 0u);
}

TEST(QualityReport, UnreadableDateKeptAsTextIsInvalid) {
  auto definition = DefinitionOf(*FindStandardDataset("event"));
  core::Entity e;
  e.id = "urn:ngsi-ld:Event:304018-1";
  e.types = {"Event"};
  e.modified_at = kNow;
  e.attributes = {Text("startDateText", "2024年2月30日")};
  const auto q = AssessDataset(definition, {e}, Shirahama());
  EXPECT_EQ(Count(q, "date_valid").failed, 1u);
  EXPECT_EQ(Count(q, "no_wareki").checked, 0u);  // source text may hold anything
}

TEST(QualitySettings, TenantOverridesDatasetOverridesLayout) {
  QualitySettings settings;
  const DatasetLayout event = *FindStandardDataset("event");
  EXPECT_EQ(settings.UpdateCycleDays("304018", event), 30);
  settings.update_cycle_days["event"] = 60;
  EXPECT_EQ(settings.UpdateCycleDays("304018", event), 60);
  settings.tenant_update_cycle_days["304018"]["event"] = 7;
  EXPECT_EQ(settings.UpdateCycleDays("304018", event), 7);
  EXPECT_EQ(settings.UpdateCycleDays("304069", event), 60);
}

TEST(QualityJson, FailuresArePagedAndFiltered) {
  std::vector<core::Entity> records;
  for (int i = 0; i < 5; ++i) {
    auto e = Site(std::to_string(i));
    e.Erase("nameKana");
    e.Find("postalCode")->value = "649-2211";
    records.push_back(e);
  }
  const auto q = AssessDataset(Evacuation(), records, Shirahama());
  const auto all = QualityReportJson("304018", kNow, {q}, FailurePage{0, 100, std::nullopt});
  const auto& dataset = all.at("datasets").as_array()[0].as_object();
  EXPECT_EQ(dataset.at("failureCount").as_uint64(), 10u);
  const auto page = QualityReportJson("304018", kNow, {q}, FailurePage{3, 4, "postal_code"});
  const auto& paged = page.at("datasets").as_array()[0].as_object();
  EXPECT_EQ(paged.at("failureCount").as_uint64(), 5u);
  ASSERT_EQ(paged.at("failures").as_array().size(), 2u);
  EXPECT_EQ(paged.at("failures").as_array()[0].at("entityId").as_string(),
            "urn:ngsi-ld:EvacuationSite:3");
  EXPECT_EQ(page.at("municipalityCode").as_string(), "304018");
}

}  // namespace
}  // namespace renkei::opendata
