// The NGSI-LD ⇄ core mapping (docs/ngsild-mapping.md), tested both ways and in every output
// format, with the core context and with a user context.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/ngsild/ld_entity_renderer.hpp"
#include "api/ngsild/ld_names.hpp"
#include "api/ngsild/ld_payload_parser.hpp"
#include "core/jsonld/core_context.hpp"
#include "core/jsonld/fake_context_loader.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using core::AttributeKind;

const core::jsonld::ActiveContext& Core() {
  static const auto core = core::jsonld::MakeCoreContext();
  return *core;
}

std::shared_ptr<const core::jsonld::ActiveContext> UserContext() {
  core::jsonld::FakeContextLoader loader;
  auto r = core::jsonld::WithUserContext(json::parse(R"({"Shelf":"https://example.org/Shelf",
                      "stock":"https://example.org/stock",
                      "ex":"https://example.org/"})"),
                                         loader);
  EXPECT_TRUE(r.has_value());
  return *r;
}

core::Entity Parse(const char* text, const core::jsonld::ActiveContext& context = Core()) {
  auto r = ParseLdEntity(json::parse(text), context, true);
  EXPECT_TRUE(r.has_value()) << (r ? "" : r.error().detail);
  return r ? std::move(*r) : core::Entity{};
}

std::string ParseError(const char* text) {
  auto r = ParseLdEntity(json::parse(text), Core(), true);
  return r ? "" : r.error().title + ": " + r.error().detail;
}

constexpr const char* kAllKinds = R"({
  "id": "urn:ngsi-ld:Room:1", "type": "Room",
  "temperature": {"type": "Property", "value": 21.5, "unitCode": "CEL",
                  "observedAt": "2024-01-10T08:30:00.000Z",
                  "accuracy": {"type": "Property", "value": 0.5}},
  "isIn": {"type": "Relationship", "object": "urn:ngsi-ld:Building:B"},
  "location": {"type": "GeoProperty", "value": {"type": "Point", "coordinates": [135.3, 33.6]}},
  "name": {"type": "LanguageProperty", "languageMap": {"en": "Room", "ja": "部屋"}},
  "category": {"type": "VocabProperty", "vocab": "office"},
  "config": {"type": "JsonProperty", "json": {"any": ["thing"]}},
  "readings": {"type": "ListProperty", "valueList": [1, 2, 3]},
  "neighbours": {"type": "ListRelationship", "objectList": [{"object": "urn:a"}]},
  "label": {"type": "Property", "value": "north", "datasetId": "urn:ngsi-ld:Dataset:1"}
})";

TEST(LdPayloadMapping, ParsesEveryAttributeKind) {
  auto e = Parse(kAllKinds);
  EXPECT_EQ(e.id, "urn:ngsi-ld:Room:1");
  ASSERT_EQ(e.types, std::vector<std::string>{"Room"});
  const auto* t = e.Find("temperature");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->kind, AttributeKind::kProperty);
  EXPECT_EQ(t->type, "Number");
  EXPECT_EQ(t->unit_code, "CEL");
  ASSERT_TRUE(t->observed_at.has_value());
  ASSERT_EQ(t->metadata.size(), 1u);
  EXPECT_EQ(t->metadata[0].name, "accuracy");
  EXPECT_EQ(e.Find("isIn")->kind, AttributeKind::kRelationship);
  EXPECT_EQ(e.Find("isIn")->type, "Relationship");
  EXPECT_EQ(e.Find("isIn")->value, json::value("urn:ngsi-ld:Building:B"));
  EXPECT_EQ(e.Find("location")->kind, AttributeKind::kGeoProperty);
  EXPECT_EQ(e.Find("location")->type, "geo:json");
  EXPECT_EQ(e.Find("name")->kind, AttributeKind::kLanguageProperty);
  EXPECT_EQ(e.Find("name")->type, "StructuredValue");
  EXPECT_EQ(e.Find("category")->kind, AttributeKind::kVocabProperty);
  EXPECT_EQ(e.Find("config")->kind, AttributeKind::kJsonProperty);
  EXPECT_EQ(e.Find("readings")->kind, AttributeKind::kListProperty);
  EXPECT_EQ(e.Find("neighbours")->kind, AttributeKind::kListRelationship);
  EXPECT_EQ(e.Find("label")->dataset_id, "urn:ngsi-ld:Dataset:1");
}

TEST(LdPayloadMapping, NormalizedRoundTripsEveryKind) {
  auto e = Parse(kAllKinds);
  json::value out = RenderLdEntity(e, {}, Core());
  EXPECT_EQ(out, json::parse(kAllKinds));
}

TEST(LdPayloadMapping, ConciseAndKeyValues) {
  auto e = Parse(kAllKinds);
  LdRenderOptions concise;
  concise.format = LdFormat::kConcise;
  auto c = RenderLdEntity(e, concise, Core());
  EXPECT_EQ(c.at("isIn"), json::parse(R"({"object":"urn:ngsi-ld:Building:B"})"));
  EXPECT_EQ(c.at("location"), json::parse(R"({"type":"Point","coordinates":[135.3,33.6]})"));
  EXPECT_EQ(c.at("category"), json::parse(R"({"vocab":"office"})"));
  EXPECT_EQ(c.at("temperature").at("value"), json::value(21.5));
  // Concise input parses back to the same entity.
  auto again = ParseLdEntity(c, Core(), true);
  ASSERT_TRUE(again.has_value()) << again.error().detail;
  EXPECT_EQ(RenderLdEntity(*again, {}, Core()), json::parse(kAllKinds));

  LdRenderOptions kv;
  kv.format = LdFormat::kKeyValues;
  auto k = RenderLdEntity(e, kv, Core());
  EXPECT_EQ(k.at("temperature"), json::value(21.5));
  EXPECT_EQ(k.at("isIn"), json::value("urn:ngsi-ld:Building:B"));
  EXPECT_EQ(k.at("name"), json::parse(R"({"en":"Room","ja":"部屋"})"));
}

TEST(LdPayloadMapping, LangPicksOneString) {
  auto e = Parse(kAllKinds);
  LdRenderOptions options;
  options.lang = "ja";
  auto out = RenderLdEntity(e, options, Core());
  EXPECT_EQ(out.at("name"), json::parse(R"({"type":"Property","value":"部屋","lang":"ja"})"));
}

TEST(LdPayloadMapping, NamesAreStoredCompactedByTheCoreContext) {
  auto user = UserContext();
  auto e = Parse(R"({"id":"urn:x:1","type":"Shelf","stock":{"value":3},
                     "https://uri.etsi.org/ngsi-ld/default-context/temperature":{"value":1}})",
                 *user);
  EXPECT_EQ(e.types.front(), "https://example.org/Shelf");
  EXPECT_NE(e.Find("https://example.org/stock"), nullptr);
  EXPECT_NE(e.Find("temperature"), nullptr);  // what an NGSIv2 client writes
  // Back out: the user context compacts them again; the core context leaves full IRIs.
  auto out = RenderLdEntity(e, {}, *user);
  EXPECT_EQ(out.at("type"), json::value("Shelf"));
  EXPECT_TRUE(out.contains("stock"));
  auto plain = RenderLdEntity(e, {}, Core());
  EXPECT_EQ(plain.at("type"), json::value("https://example.org/Shelf"));
  EXPECT_EQ(StoredName(*user, "ex:thing"), "https://example.org/thing");
  EXPECT_EQ(OutputName(*user, "https://example.org/thing"), "ex:thing");
}

TEST(LdPayloadMapping, V2WrittenAttributesReadAsLd) {
  core::Entity e;
  e.id = "Room1";
  e.types = {"Room"};
  auto make = [](std::string name, AttributeKind kind, std::string type, json::value value) {
    core::Attribute a;
    a.name = std::move(name);
    a.kind = kind;
    a.type = std::move(type);
    a.value = std::move(value);
    return a;
  };
  auto pos = make("position", AttributeKind::kGeoProperty, "geo:point", "33.6, 135.3");
  auto owner = make("owner", AttributeKind::kRelationship, "Relationship", "urn:p:1");
  auto temp = make("temperature", AttributeKind::kProperty, "Float", 23);
  temp.metadata.push_back(make("accuracy", AttributeKind::kProperty, "Number", 1));
  e.attributes = {pos, owner, temp};
  auto out = RenderLdEntity(e, {}, Core());
  EXPECT_EQ(out, json::parse(R"({"id":"Room1","type":"Room",
      "position":{"type":"GeoProperty","value":{"type":"Point","coordinates":[135.3,33.6]}},
      "owner":{"type":"Relationship","object":"urn:p:1"},
      "temperature":{"type":"Property","value":23,
                     "accuracy":{"type":"Property","value":1}}})"));
}

TEST(LdPayloadMapping, MultiAttributeInstances) {
  auto e = Parse(R"({"id":"urn:x:1","type":"T","speed":[
      {"type":"Property","value":1},
      {"type":"Property","value":2,"datasetId":"urn:ds:b"}]})");
  ASSERT_EQ(e.attributes.size(), 2u);
  auto out = RenderLdEntity(e, {}, Core());
  ASSERT_TRUE(out.at("speed").is_array());
  EXPECT_EQ(out.at("speed").as_array().size(), 2u);
  EXPECT_NE(ParseError(R"({"id":"urn:x:1","type":"T","speed":[
      {"type":"Property","value":1},{"type":"Property","value":2}]})"),
            "");
}

TEST(LdPayloadMapping, RefusesInvalidPayloads) {
  EXPECT_EQ(ParseError(R"({"id":"Room1","type":"Room"})"),
            "BadRequestData: entity id is not a URI");
  EXPECT_EQ(ParseError(R"({"id":"urn:x:1"})"), "BadRequestData: entity type is missing");
  EXPECT_NE(ParseError(R"({"id":"urn:x:1","type":"T","a":{"type":"Relationship","object":3}})"),
            "");
  EXPECT_NE(ParseError(R"({"id":"urn:x:1","type":"T","a":{"type":"Property"}})"), "");
  EXPECT_NE(
      ParseError(
          R"({"id":"urn:x:1","type":"T","l":{"type":"GeoProperty","value":{"type":"Point"}}})"),
      "");
  EXPECT_NE(ParseError(R"({"id":"urn:x:1","type":"T","a":{"type":"Nope","value":1}})"), "");
  EXPECT_EQ(ParseError(R"({"id":"urn:x:1","type":"type"})"),
            "BadRequestData: entity type type is not a valid type name");
}

TEST(LdPayloadMapping, MergeAddressesInstancesAndReadsTheNullOfEachType) {
  auto r = ParseLdMergeAttribute("street", json::parse(R"([
      {"type":"LanguageProperty","languageMap":{"@none":"urn:ngsi-ld:null"},"datasetId":"urn:d:1"},
      {"type":"GeoProperty","value":"urn:ngsi-ld:null"},
      {"type":"ListProperty","valueList":["urn:ngsi-ld:null"],"datasetId":"urn:d:2"},
      {"type":"Property","value":"kept","datasetId":"urn:d:3"}])"),
                                 Core());
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  ASSERT_EQ(r->size(), 4U);
  EXPECT_TRUE((*r)[0].patch.remove);
  EXPECT_EQ((*r)[0].patch.attribute.dataset_id, "urn:d:1");
  EXPECT_TRUE((*r)[1].patch.remove);
  EXPECT_EQ((*r)[1].patch.attribute.dataset_id, std::nullopt);
  EXPECT_TRUE((*r)[2].patch.remove);
  EXPECT_FALSE((*r)[3].patch.remove);
  ASSERT_TRUE((*r)[3].added.has_value());
  EXPECT_EQ((*r)[3].added->value, json::value("kept"));
  EXPECT_EQ((*r)[3].added->dataset_id, "urn:d:3");
  auto bare = ParseLdMergeAttribute("a", json::value("urn:ngsi-ld:null"), Core());
  ASSERT_TRUE(bare.has_value());
  EXPECT_TRUE((*bare)[0].patch.remove);
}

TEST(LdPayloadMapping, UpdateFragmentMarksNullInstancesForDeletion) {
  auto r = ParseLdUpdateFragment(json::parse(R"({
      "type": "T", "scope": "/a",
      "location": {"type": "GeoProperty", "value": "urn:ngsi-ld:null", "datasetId": "urn:d:1"},
      "name": [{"type": "Property", "value": "x"},
               {"type": "Property", "value": "urn:ngsi-ld:null", "datasetId": "urn:d:2"}]})")
                                     .as_object(),
                                 Core());
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  ASSERT_EQ(r->size(), 3U);
  EXPECT_TRUE((*r)[0].remove);
  EXPECT_EQ((*r)[0].attribute.name, "location");
  EXPECT_EQ((*r)[0].attribute.dataset_id, "urn:d:1");
  EXPECT_FALSE((*r)[1].remove);
  EXPECT_EQ((*r)[1].attribute.value, json::value("x"));
  EXPECT_TRUE((*r)[2].remove);
  EXPECT_EQ((*r)[2].attribute.dataset_id, "urn:d:2");
  auto twice = ParseLdUpdateFragment(json::parse(R"({"name": [
      {"type": "Property", "value": 1}, {"type": "Property", "value": "urn:ngsi-ld:null"}]})")
                                         .as_object(),
                                     Core());
  EXPECT_FALSE(twice.has_value());
}

TEST(LdPayloadMapping, AttributePatchTellsAGivenTypeFromAGeoJsonOne) {
  auto typed = ParseLdAttributePatch("a", json::parse(R"({"type": "Relationship",
      "object": "urn:x:1"})"),
                                     Core());
  ASSERT_TRUE(typed.has_value());
  EXPECT_TRUE(typed->type_given);
  EXPECT_FALSE(typed->remove);
  auto geojson = ParseLdAttributePatch(
      "a", json::parse(R"({"type": "Point", "coordinates": [1, 2]})"), Core());
  ASSERT_TRUE(geojson.has_value());
  EXPECT_FALSE(geojson->type_given);
  EXPECT_EQ(geojson->attribute.kind, AttributeKind::kGeoProperty);
  auto null = ParseLdAttributePatch("a", json::value("urn:ngsi-ld:null"), Core());
  ASSERT_TRUE(null.has_value());
  EXPECT_TRUE(null->remove);
}

}  // namespace
}  // namespace renkei::api::ngsild
