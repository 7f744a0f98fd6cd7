// NGSI-LD evaluation of q (ETSI GS CIM 009 v1.8 §4.9) against hand-built entities: the
// target element of properties, relationships, language properties, sub-attributes, members
// and multi-attributes; temporal comparison; the conformance suite's expectations (019_09,
// 019_28, 019_29).
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/q/ld_query.hpp"

namespace renkei::core::q {
namespace {

Attribute Attr(std::string name, std::string_view json_value,
               AttributeKind kind = AttributeKind::kProperty) {
  Attribute a;
  a.name = std::move(name);
  a.kind = kind;
  a.value = boost::json::parse(json_value);
  return a;
}

Attribute WithDataset(Attribute a, std::string dataset_id) {
  a.dataset_id = std::move(dataset_id);
  return a;
}

base::Timestamp At(std::string_view iso) { return *base::ParseIso8601(iso); }

Entity MakeEntity(std::vector<Attribute> attributes) {
  Entity e;
  e.id = "urn:ngsi-ld:T:1";
  e.types = {"T"};
  e.attributes = std::move(attributes);
  return e;
}

bool Q(std::string_view q, const Entity& entity) {
  auto filter = ParseLdQuery(q, IdentityTerm);
  EXPECT_TRUE(filter.has_value()) << q << ": " << (filter ? "" : filter.error().detail);
  return filter && filter->Matches(entity);
}

TEST(LdFilterTest, ComparisonOperators) {
  const Entity e = MakeEntity({Attr("speed", "80"), Attr("name", R"("Pisa Tower")")});
  EXPECT_TRUE(Q("speed==80", e));
  EXPECT_TRUE(Q("speed==80.0", e));
  EXPECT_FALSE(Q("speed==81", e));
  EXPECT_TRUE(Q("speed!=81", e));
  EXPECT_FALSE(Q("speed!=80", e));
  EXPECT_TRUE(Q("speed>79", e));
  EXPECT_FALSE(Q("speed>80", e));
  EXPECT_TRUE(Q("speed>=80", e));
  EXPECT_TRUE(Q("speed<100", e));  // numeric, not textual order
  EXPECT_FALSE(Q("speed<80", e));
  EXPECT_TRUE(Q("speed<=80", e));
  EXPECT_TRUE(Q(R"(name>"Eiffel")", e));
  EXPECT_TRUE(Q(R"(name~="Tow")", e));  // searched anywhere
  EXPECT_FALSE(Q(R"(name~="^Tow")", e));
  EXPECT_TRUE(Q(R"(name!~="^Eiffel")", e));
  EXPECT_FALSE(Q(R"(name!~="Pisa")", e));
  EXPECT_TRUE(Q("name~=(?i)pisa", e));
  EXPECT_FALSE(Q("name~=pisa", e));
}

TEST(LdFilterTest, ExistenceAndMissingTargets) {
  const Entity e = MakeEntity({Attr("speed", "80")});
  EXPECT_TRUE(Q("speed", e));
  EXPECT_FALSE(Q("!speed", e));
  EXPECT_FALSE(Q("brand", e));
  EXPECT_TRUE(Q("!brand", e));
  // Every comparison, != included, needs the target element.
  EXPECT_FALSE(Q("brand!=1", e));
  EXPECT_FALSE(Q("brand!~=x", e));
}

TEST(LdFilterTest, TypeMismatchIsUnequalNeverAnError) {
  const Entity e = MakeEntity({Attr("n", "4"), Attr("s", R"("4")"), Attr("b", "true")});
  EXPECT_FALSE(Q(R"(n=="4")", e));
  EXPECT_TRUE(Q(R"(n!="4")", e));
  EXPECT_FALSE(Q("s==4", e));
  EXPECT_FALSE(Q(R"(n>"3")", e));
  EXPECT_FALSE(Q("s>3", e));
  EXPECT_FALSE(Q("n~=4", e));   // patterns only see strings
  EXPECT_FALSE(Q("n!~=x", e));  // ... and a non-string is not "outside" the pattern either
  EXPECT_TRUE(Q("b==true", e));
  EXPECT_FALSE(Q("b==1", e));
}

TEST(LdFilterTest, ListsAndRanges) {
  // 019_28: airQualityLevel 4 and 6; names Eiffel Tower and Pisa Tower.
  const Entity four = MakeEntity({Attr("airQualityLevel", "4"), Attr("name", R"("Eiffel Tower")")});
  const Entity six = MakeEntity({Attr("airQualityLevel", "6"), Attr("name", R"("Pisa Tower")")});
  EXPECT_TRUE(Q("airQualityLevel==4..5", four));
  EXPECT_FALSE(Q("airQualityLevel==4..5", six));
  EXPECT_FALSE(Q("airQualityLevel!=4..5", four));
  EXPECT_TRUE(Q("airQualityLevel!=4..5", six));
  EXPECT_TRUE(Q(R"(name=="Eiffel Tower","Pisa Tower")", four));
  EXPECT_TRUE(Q(R"(name=="Eiffel Tower","Pisa Tower")", six));
  EXPECT_FALSE(Q(R"(name!="Eiffel Tower","Big Ben")", four));
  EXPECT_TRUE(Q(R"(name!="Eiffel Tower","Big Ben")", six));
  EXPECT_TRUE(Q(R"(name=="A".."F")", four));
  EXPECT_TRUE(Q("airQualityLevel>=4;airQualityLevel<7", six));
}

TEST(LdFilterTest, AndOrPrecedence) {
  // 019_09: (name=="Pisa Tower"|name=="Eiffel Tower");almostFull==false.
  const Entity pisa = MakeEntity({Attr("name", R"("Pisa Tower")"), Attr("almostFull", "true")});
  EXPECT_FALSE(Q(R"((name=="Pisa Tower"|name=="Eiffel Tower");almostFull==false)", pisa));
  // Without parentheses `;` binds first: a | (b ; c).
  EXPECT_TRUE(Q(R"(name=="Pisa Tower"|name=="Eiffel Tower";almostFull==false)", pisa));
  EXPECT_TRUE(Q(R"(name=="Pisa Tower"|almostFull==false)", pisa));
  EXPECT_FALSE(Q(R"(name=="Pisa Tower";almostFull==false)", pisa));
}

TEST(LdFilterTest, DatesAndTimesCompareTemporally) {
  Entity e = MakeEntity({Attr("seen", R"("2020-06-01T10:00:00+02:00")"),
                         Attr("day", R"("2020-06-01")"), Attr("opens", R"("08:30:00Z")"),
                         Attr("typed", R"({"@type":"DateTime","@value":"2021-01-01T00:00:00Z"})")});
  EXPECT_TRUE(Q("seen==2020-06-01T08:00:00Z", e));  // the same instant, written differently
  EXPECT_TRUE(Q("seen>2020-06-01T07:59:59.999Z", e));
  EXPECT_FALSE(Q("seen>2020-06-01T08:00:00Z", e));
  EXPECT_TRUE(Q("seen==2020-01-01T00:00:00Z..2020-12-31T00:00:00Z", e));
  EXPECT_TRUE(Q("day<2020-06-02", e));
  EXPECT_TRUE(Q("opens<09:00:00Z", e));
  EXPECT_FALSE(Q("opens>09:00:00Z", e));
  EXPECT_TRUE(Q("typed>=2021-01-01T00:00:00Z", e));
  // A quoted string stays a string against a string value.
  EXPECT_FALSE(Q(R"(seen=="2020-06-01T08:00:00Z")", e));
}

TEST(LdFilterTest, SystemTimesAndMembers) {
  Attribute temperature = Attr("temperature", "21.5");
  temperature.observed_at = At("2020-08-01T12:00:00Z");
  temperature.unit_code = "CEL";
  temperature.created_at = At("2020-01-01T00:00:00Z");
  temperature.modified_at = At("2020-08-01T12:00:01Z");
  Entity e = MakeEntity({temperature});
  e.created_at = At("2019-01-01T00:00:00Z");
  e.modified_at = At("2021-01-01T00:00:00Z");
  EXPECT_TRUE(Q("temperature.observedAt>=2020-08-01T00:00:00Z", e));
  EXPECT_FALSE(Q("temperature.observedAt<2020-08-01T00:00:00Z", e));
  EXPECT_TRUE(Q(R"(temperature.unitCode=="CEL")", e));
  EXPECT_TRUE(Q("temperature.unitCode", e));
  EXPECT_FALSE(Q("temperature.datasetId", e));  // unset member: no target element
  EXPECT_TRUE(Q("temperature.createdAt<2020-02-01T00:00:00Z", e));
  EXPECT_TRUE(Q("temperature.modifiedAt>2020-08-01T12:00:00Z", e));
  EXPECT_TRUE(Q("createdAt<2020-01-01T00:00:00Z", e));
  // 5722_01_02 writes the instant quoted; it still compares temporally.
  EXPECT_TRUE(Q(R"(modifiedAt>"2020-01-01T00:00:00Z")", e));
  EXPECT_FALSE(Q("modifiedAt>12:00:00Z", e));  // a time of day never meets a date-time
}

TEST(LdFilterTest, SubAttributePaths) {
  Attribute parked = Attr("isParked", R"("urn:ngsi-ld:Parking:1")", AttributeKind::kRelationship);
  Attribute provided_by =
      Attr("providedBy", R"("urn:ngsi-ld:Person:Bob")", AttributeKind::kRelationship);
  Attribute accuracy = Attr("accuracy", "0.9");
  accuracy.unit_code = "P1";
  accuracy.metadata.push_back(Attr("method", R"({"name":"gps","rank":[1,2]})"));
  provided_by.metadata.push_back(accuracy);
  parked.metadata.push_back(provided_by);
  const Entity e = MakeEntity({parked});
  EXPECT_TRUE(Q("isParked.providedBy==urn:ngsi-ld:Person:Bob", e));
  EXPECT_FALSE(Q("isParked.providedBy==urn:ngsi-ld:Person:Alice", e));
  EXPECT_TRUE(Q("isParked.providedBy.accuracy>0.5", e));
  EXPECT_TRUE(Q(R"(isParked.providedBy.accuracy.unitCode=="P1")", e));
  EXPECT_TRUE(Q(R"(isParked.providedBy.accuracy.method[name]=="gps")", e));
  EXPECT_TRUE(Q("isParked.providedBy.accuracy.method[rank]==2", e));
  EXPECT_FALSE(Q("isParked.nothing", e));
  EXPECT_FALSE(Q("isParked.providedBy.nothing", e));
}

TEST(LdFilterTest, CompoundValuePaths) {
  // 019_29_01..03.
  const Entity e = MakeEntity({Attr("address", R"({"city":"Berlin","geo":{"zip":10115}})"),
                               Attr("tags", R"([{"k":"a"},{"k":"b"}])")});
  EXPECT_TRUE(Q(R"(address[city]=="Berlin")", e));
  EXPECT_FALSE(Q(R"(address[postcode]=="Berlin")", e));
  EXPECT_TRUE(Q("address[city]", e));
  EXPECT_FALSE(Q("address[postcode]", e));
  EXPECT_TRUE(Q("address[geo.zip]>10000", e));
  EXPECT_TRUE(Q(R"(tags[k]=="b")", e));
  EXPECT_FALSE(Q(R"(address=="Berlin")", e));  // an object is not a string
}

TEST(LdFilterTest, ArraysMatchWhenAnElementDoes) {
  const Entity e = MakeEntity({Attr("colors", R"(["blue","red","green"])")});
  EXPECT_TRUE(Q(R"(colors=="red")", e));
  EXPECT_FALSE(Q(R"(colors=="pink")", e));
  EXPECT_FALSE(Q(R"(colors!="red")", e));
  EXPECT_TRUE(Q(R"(colors!="pink")", e));
  EXPECT_TRUE(Q(R"(colors~="^gr")", e));
}

TEST(LdFilterTest, RelationshipsCompareTheirObjectWithEqualityOnly) {
  // 019_09_08..10, 019_29_11.
  const Entity e =
      MakeEntity({Attr("locatedIn", R"("urn:ngsi-ld:City:Pisa")", AttributeKind::kRelationship),
                  Attr("owners", R"(["urn:a","urn:b"])", AttributeKind::kListRelationship)});
  EXPECT_TRUE(Q("locatedIn==urn:ngsi-ld:City:Pisa", e));
  EXPECT_FALSE(Q("locatedIn==urn:ngsi-ld:City:Paris", e));
  EXPECT_TRUE(Q("locatedIn==urn:ngsi-ld:City:Pisa|locatedIn==urn:ngsi-ld:City:Paris", e));
  EXPECT_TRUE(Q(R"(locatedIn!="urn:ngsi-ld:City:Paris")", e));
  EXPECT_FALSE(Q(R"(locatedIn>"urn:a")", e));
  EXPECT_FALSE(Q(R"(locatedIn~="Pisa")", e));
  EXPECT_TRUE(Q("owners==urn:b", e));
  EXPECT_FALSE(Q(R"(owners<"urn:z")", e));
}

TEST(LdFilterTest, LanguageProperties) {
  // 019_29_04..07.
  const Entity e =
      MakeEntity({Attr("color", R"({"en":"red","fr":"rouge","es":["rojo","colorado"]})",
                       AttributeKind::kLanguageProperty)});
  EXPECT_TRUE(Q(R"(color[en]=="red")", e));
  EXPECT_FALSE(Q(R"(color[en]=="rouge")", e));
  EXPECT_TRUE(Q(R"(color[*]=="rouge")", e));
  EXPECT_FALSE(Q(R"(color[*]!="red")", e));
  EXPECT_TRUE(Q(R"(color[*]!="blue")", e));
  EXPECT_TRUE(Q(R"(color=="rouge")", e));  // no language given: any
  EXPECT_TRUE(Q(R"(color=="colorado")", e));
  EXPECT_FALSE(Q(R"(color[de]=="rot")", e));
  EXPECT_FALSE(Q("color[de]", e));
  // `*` is a plain key outside language maps.
  const Entity plain = MakeEntity({Attr("m", R"({"en":"red"})")});
  EXPECT_FALSE(Q(R"(m[*]=="red")", plain));
}

TEST(LdFilterTest, MultiAttributesMatchWhenAnyInstanceDoes) {
  Attribute fr = WithDataset(Attr("name", R"("Tour Eiffel")"), "urn:ngsi-ld:Dataset:french");
  fr.observed_at = At("2020-01-01T00:00:00Z");
  const Entity e = MakeEntity({Attr("name", R"("Eiffel Tower")"), fr,
                               WithDataset(Attr("name", R"("Torre Eiffel")"), "urn:es")});
  EXPECT_TRUE(Q(R"(name=="Eiffel Tower")", e));
  EXPECT_TRUE(Q(R"(name=="Tour Eiffel")", e));
  EXPECT_TRUE(Q(R"(name=="Torre Eiffel")", e));
  EXPECT_TRUE(Q(R"(name!="Eiffel Tower")", e));  // another instance differs
  EXPECT_TRUE(Q("name.datasetId==urn:ngsi-ld:Dataset:french", e));
  EXPECT_TRUE(Q("name.datasetId==urn:es", e));
  EXPECT_FALSE(Q("name.datasetId==urn:de", e));
  EXPECT_TRUE(Q("name.observedAt", e));  // only the French instance has it
  EXPECT_TRUE(Q(R"(name~="^Torre")", e));
  const Entity one = MakeEntity({Attr("name", R"("Eiffel Tower")")});
  EXPECT_FALSE(Q(R"(name!="Eiffel Tower")", one));
  EXPECT_FALSE(Q("name.datasetId", one));
}

TEST(LdFilterTest, ExpandedNamesMatchStoredNames) {
  auto expand = [](std::string_view term) { return "https://ex.org/" + std::string(term); };
  Attribute speed = Attr("https://ex.org/speed", "80");
  speed.metadata.push_back(Attr("https://ex.org/accuracy", "0.9"));
  const Entity e = MakeEntity({speed});
  auto f = ParseLdQuery("speed>50;speed.accuracy>0.5", expand);
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->Matches(e));
  EXPECT_FALSE(Q("speed>50", e));  // unexpanded names do not find it
}

TEST(LdFilterTest, V2FiltersKeepTheirOwnRules) {
  // The same tree evaluated as NGSIv2 reads the first instance only.
  auto ld = ParseLdQuery(R"(name=="Tour Eiffel")", IdentityTerm);
  ASSERT_TRUE(ld.has_value());
  const Entity e = MakeEntity(
      {Attr("name", R"("Eiffel Tower")"), WithDataset(Attr("name", R"("Tour Eiffel")"), "urn:fr")});
  EXPECT_TRUE(ld->Matches(e));
  EXPECT_FALSE(Filter(ld->root(), Dialect::kNgsiV2).Matches(e));
}

}  // namespace
}  // namespace renkei::core::q
