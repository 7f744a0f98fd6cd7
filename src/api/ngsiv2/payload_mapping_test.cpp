// The NGSIv2 ⇄ core mapping (docs/ngsiv2-mapping.md), tested both ways.
#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "api/ngsiv2/entity_renderer.hpp"
#include "api/ngsiv2/payload_parser.hpp"

namespace renkei::api::ngsiv2 {
namespace {

namespace json = boost::json;

ParsedEntity Parse(const char* text, bool key_values = false) {
  auto r = ParseEntity(json::parse(text), key_values, core::kDefaultEntityType);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().detail);
  return r ? std::move(*r) : ParsedEntity{};
}

std::string ParseError(const char* text) {
  auto body = ParseJsonBody(text);
  if (!body) return body.error().title + ": " + body.error().detail;
  auto r = ParseEntity(*body, false, core::kDefaultEntityType);
  return r ? "" : r.error().title + ": " + r.error().detail;
}

TEST(PayloadMapping, DefaultsTypesAsOrionDoes) {
  auto p = Parse(R"({"id":"E","s":{"value":"x"},"n":{"value":1.5},"b":{"value":true},
                     "o":{"value":{"a":1}},"z":{}})");
  EXPECT_EQ(p.entity.PrimaryType(), "Thing");
  EXPECT_EQ(p.entity.Find("s")->type, "Text");
  EXPECT_EQ(p.entity.Find("n")->type, "Number");
  EXPECT_EQ(p.entity.Find("b")->type, "Boolean");
  EXPECT_EQ(p.entity.Find("o")->type, "StructuredValue");
  EXPECT_EQ(p.entity.Find("z")->type, "None");
}

TEST(PayloadMapping, MapsKindsAndNormalisesDateTimes) {
  auto p = Parse(R"({"id":"E","type":"T","r":{"type":"Relationship","value":"urn:x"},
                     "loc":{"type":"geo:json","value":{"type":"Point","coordinates":[135.3,33.6]}},
                     "d":{"type":"DateTime","value":"2017-06-17T07:21:24+02:00"}})");
  EXPECT_EQ(p.entity.Find("r")->kind, core::AttributeKind::kRelationship);
  EXPECT_EQ(p.entity.Find("loc")->kind, core::AttributeKind::kGeoProperty);
  EXPECT_EQ(p.entity.Find("d")->value, json::value("2017-06-17T05:21:24.000Z"));
}

TEST(PayloadMapping, KeyValuesTakeBareValues) {
  auto p = Parse(R"({"id":"E","type":"T","temperature":23})", true);
  EXPECT_EQ(p.entity.Find("temperature")->value, json::value(23));
  EXPECT_EQ(p.entity.Find("temperature")->type, "Number");
}

TEST(PayloadMapping, RefusesWhatOrionRefuses) {
  EXPECT_EQ(ParseError(R"({"id":"E<","type":"T"})"), "BadRequest: Invalid characters in entity id");
  EXPECT_EQ(ParseError(R"({"id":"","type":"T"})"),
            "BadRequest: entity id length: 0, min length supported: 1");
  EXPECT_EQ(ParseError(R"({"id":5})"), "BadRequest: Invalid JSON type for entity id");
  EXPECT_EQ(ParseError(R"({"id":"E","a b":{"value":1}})"),
            "BadRequest: Invalid characters in attribute name");
  EXPECT_EQ(ParseError(R"j({"id":"E","a":{"value":"x(y)"}})j"),
            "BadRequest: Invalid characters in attribute value");
  EXPECT_EQ(ParseError(R"({"id":"E","a":{"value":1,"metadata":{"m":1}}})"),
            "BadRequest: metadata must be a JSON object");
  EXPECT_EQ(ParseError(R"({"id":"E","a":{"type":"DateTime","value":"yesterday"}})"),
            "BadRequest: date has invalid format in attribute value");
  EXPECT_EQ(ParseError(R"({"id":"E",)"), "ParseError: Errors found in incoming JSON buffer");
  EXPECT_EQ(ParseError(""), "BadRequest: empty payload");
  EXPECT_TRUE(ParseError(R"j({"id":"E","a":{"type":"TextUnrestricted","value":"x(y)"}})j").empty());
}

TEST(PayloadMapping, RoundTripsThroughTheRenderer) {
  const char* text = R"({"id":"E","type":"T","a":{"type":"Number","value":1,
      "metadata":{"m":{"type":"Text","value":"x"}}},"b":{"type":"Text","value":"y","metadata":{}}})";
  auto p = Parse(text);
  EXPECT_EQ(RenderEntity(p.entity, {}), json::parse(text));
  RenderOptions kv;
  kv.format = RenderFormat::kKeyValues;
  EXPECT_EQ(RenderEntity(p.entity, kv), json::parse(R"({"id":"E","type":"T","a":1,"b":"y"})"));
  RenderOptions values;
  values.format = RenderFormat::kValues;
  values.attrs = {"b", "a"};
  EXPECT_EQ(RenderEntity(p.entity, values), json::parse(R"(["y",1])"));
}

TEST(PayloadMapping, RendersBuiltinsOnlyWhenAsked) {
  auto p = Parse(R"({"id":"E","type":"T","a":{"value":1}})");
  p.entity.created_at = {1000};
  p.entity.modified_at = {2000};
  RenderOptions options;
  options.attrs = {"dateCreated", "*"};
  auto out = RenderEntity(p.entity, options).as_object();
  EXPECT_EQ(out.at("dateCreated").at("value"), json::value("1970-01-01T00:00:01.000Z"));
  EXPECT_TRUE(out.contains("a"));
  EXPECT_FALSE(RenderEntity(p.entity, {}).as_object().contains("dateCreated"));
}

}  // namespace
}  // namespace renkei::api::ngsiv2
