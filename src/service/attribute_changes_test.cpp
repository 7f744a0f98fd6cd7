#include "service/attribute_changes.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace renkei::service {
namespace {

namespace json = boost::json;

core::Attribute Attr(std::string name, const char* value, std::string type = "Number") {
  core::Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.value = json::parse(value);
  return a;
}

core::Attribute WithMetadata(core::Attribute a, std::string md, const char* value) {
  a.metadata.push_back(Attr(std::move(md), value));
  return a;
}

core::Entity Room() {
  core::Entity e;
  e.id = "R1";
  e.types = {"Room"};
  e.attributes.push_back(WithMetadata(WithMetadata(Attr("t", "20"), "unit", "1"), "avg", "2"));
  return e;
}

TEST(AttributeChanges, UpdateOnlyReportsMissingAndAppliesTheRest) {
  auto e = Room();
  ChangeReport report;
  ASSERT_TRUE(ApplyAttributeChanges(e, {{Attr("t", "21"), false}, {Attr("x", "1"), false}},
                                    AttributeWriteMode::kUpdateOnly, {}, {5}, report));
  EXPECT_EQ(report.missing, std::vector<std::string>{"x"});
  EXPECT_TRUE(report.changed);
  EXPECT_EQ(e.Find("t")->value, json::parse("21"));
  EXPECT_EQ(e.Find("x"), nullptr);
  EXPECT_EQ(e.modified_at.millis, 5);
}

TEST(AttributeChanges, AppendStrictReportsExisting) {
  auto e = Room();
  ChangeReport report;
  ASSERT_TRUE(ApplyAttributeChanges(e, {{Attr("t", "1"), false}, {Attr("y", "2"), false}},
                                    AttributeWriteMode::kAppendStrict, {}, {1}, report));
  EXPECT_EQ(report.existing, std::vector<std::string>{"t"});
  EXPECT_EQ(e.Find("t")->value, json::parse("20"));
  EXPECT_EQ(e.Find("y")->value, json::parse("2"));
}

TEST(AttributeChanges, MetadataIsStickyUnlessOverriddenOrCleared) {
  auto e = Room();
  ChangeReport report;
  // Orion manual "Metadata update semantics": avg updated, accuracy added, unit kept.
  auto change = WithMetadata(WithMetadata(Attr("t", "26"), "avg", "25"), "accuracy", "98");
  ASSERT_TRUE(
      ApplyAttributeChanges(e, {{change, true}}, AttributeWriteMode::kUpsert, {}, {1}, report));
  ASSERT_EQ(e.Find("t")->metadata.size(), 3U);
  EXPECT_EQ(e.Find("t")->FindMetadata("avg")->value, json::parse("25"));
  EXPECT_EQ(e.Find("t")->FindMetadata("unit")->value, json::parse("1"));

  WriteOptions override;
  override.override_metadata = true;
  ASSERT_TRUE(ApplyAttributeChanges(e, {{WithMetadata(Attr("t", "1"), "avg", "3"), true}},
                                    AttributeWriteMode::kUpsert, override, {2}, report));
  ASSERT_EQ(e.Find("t")->metadata.size(), 1U);

  ASSERT_TRUE(ApplyAttributeChanges(e, {{Attr("t", "1"), true}}, AttributeWriteMode::kUpsert, {},
                                    {3}, report));
  EXPECT_TRUE(e.Find("t")->metadata.empty());  // explicit "metadata": {} clears
}

TEST(AttributeChanges, OperatorWithoutTypeKeepsTheAttributeType) {
  auto e = Room();
  ChangeReport report;
  AttributeChange inc{Attr("t", R"({"$inc":2})", "StructuredValue"), false};
  inc.type_given = false;
  ASSERT_TRUE(ApplyAttributeChanges(e, {inc}, AttributeWriteMode::kUpdateOnly, {}, {1}, report));
  EXPECT_EQ(e.Find("t")->value, json::parse("22"));
  EXPECT_EQ(e.Find("t")->type, "Number");
}

TEST(AttributeChanges, DateExpiresSetsTheEntityExpiry) {
  auto e = Room();
  ChangeReport report;
  ASSERT_TRUE(ApplyAttributeChanges(
      e, {{Attr("dateExpires", R"("2030-01-01T00:00:00Z")", "DateTime"), false}},
      AttributeWriteMode::kUpsert, {}, {1}, report));
  ASSERT_TRUE(e.expires_at);
  EXPECT_EQ(e.Find("dateExpires"), nullptr);
  EXPECT_FALSE(ApplyAttributeChanges(e, {{Attr("dateExpires", R"("soon")", "DateTime"), false}},
                                     AttributeWriteMode::kUpsert, {}, {1}, report));
}

TEST(AttributeChanges, CountsOnlyRealLocations) {
  auto e = Room();
  auto loc = Attr("location", R"({"type":"Point","coordinates":[1,2]})", "geo:json");
  loc.kind = core::AttributeKind::kGeoProperty;
  e.attributes.push_back(loc);
  auto extra = loc;
  extra.name = "area";
  extra.metadata.push_back(Attr("ignoreType", "true", "Boolean"));
  e.attributes.push_back(extra);
  EXPECT_EQ(CountLocationAttributes(e), 1U);
}

TEST(AttributeChanges, LocationChecksFollowOrionsOrder) {
  auto e = Room();
  auto loc = Attr("location", R"("20, 20")", "geo:polygon");
  loc.kind = core::AttributeKind::kGeoProperty;
  ChangeReport report;
  ASSERT_TRUE(
      ApplyAttributeChanges(e, {{loc, false}}, AttributeWriteMode::kUpsert, {}, {1}, report));
  auto invalid = CheckLocations(e, &report);
  ASSERT_FALSE(invalid);
  EXPECT_TRUE(invalid.error().detail.starts_with("error parsing location attribute: "));

  // Orion (3533_null_in_datetime_and_geo): an existing attribute that held no location
  // (null) before the update is named "existing attribute"; one that held a location is not.
  e.Find("location")->value = nullptr;
  ChangeReport again;
  ASSERT_TRUE(
      ApplyAttributeChanges(e, {{loc, false}}, AttributeWriteMode::kUpsert, {}, {2}, again));
  auto existing = CheckLocations(e, &again);
  ASSERT_FALSE(existing);
  EXPECT_TRUE(existing.error().detail.starts_with(
      "error parsing location attribute for existing attribute: "));
  e.Find("location")->value = json::string("1, 2");  // now it holds a location
  e.Find("location")->type = "geo:point";
  ChangeReport over_location;
  auto bad_point = Attr("location", R"("foo")", "geo:point");
  bad_point.kind = core::AttributeKind::kGeoProperty;
  ASSERT_TRUE(ApplyAttributeChanges(e, {{bad_point, false}}, AttributeWriteMode::kUpsert, {}, {3},
                                    over_location));
  auto plain = CheckLocations(e, &over_location);
  ASSERT_FALSE(plain);
  EXPECT_TRUE(plain.error().detail.starts_with("error parsing location attribute: "));
  e.Find("location")->value = json::string("1, 2");

  // A second location is refused before its value is looked at (413 first).
  auto second = Attr("area", R"("nonsense")", "geo:point");
  second.kind = core::AttributeKind::kGeoProperty;
  ChangeReport third;
  ASSERT_TRUE(
      ApplyAttributeChanges(e, {{second, false}}, AttributeWriteMode::kUpsert, {}, {3}, third));
  auto too_many = CheckLocations(e, &third);
  ASSERT_FALSE(too_many);
  EXPECT_EQ(too_many.error().title, "NoResourcesAvailable");
}

TEST(AttributeChanges, IgnoreTypeIsStickyForLocations) {
  auto e = Room();
  auto loc = WithMetadata(Attr("location", R"({"type":"Point","coordinates":[1,2]})", "geo:json"),
                          "ignoreType", "true");
  e.attributes.push_back(loc);
  // An update without metadata keeps ignoreType, so an odd value is not a location error.
  auto odd = Attr("location", R"({"type":"Feature","properties":{}})", "geo:json");
  odd.kind = core::AttributeKind::kGeoProperty;
  ChangeReport report;
  ASSERT_TRUE(
      ApplyAttributeChanges(e, {{odd, false}}, AttributeWriteMode::kUpdateOnly, {}, {1}, report));
  EXPECT_EQ(e.Find("location")->kind, core::AttributeKind::kProperty);
  EXPECT_TRUE(CheckLocations(e, &report));
}

}  // namespace
}  // namespace renkei::service
