#include "core/entity_codec.hpp"

#include <random>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace renkei::core {
namespace {

Attribute MakeAttr(std::string name, boost::json::value v) {
  Attribute a;
  a.name = std::move(name);
  a.type = "Number";
  a.value = std::move(v);
  a.created_at = Timestamp{1};
  a.modified_at = Timestamp{2};
  return a;
}

TEST(EntityCodec, RoundTripsEveryField) {
  Entity e;
  e.id = "urn:ngsi-ld:Room:1";
  e.types = {"Room", "https://example.org/Space"};
  e.service_path = "/a/b";
  e.created_at = Timestamp{1700000000000};
  e.modified_at = Timestamp{-5};
  e.expires_at = Timestamp{1800000000123};
  e.scopes = {"/Wakayama/Shirahama", "/Madrid"};
  Attribute t = MakeAttr("temperature", 21.5);
  t.dataset_id = "urn:ds:1";
  t.observed_at = Timestamp{42};
  t.unit_code = "CEL";
  Attribute accuracy = MakeAttr("accuracy", boost::json::parse(R"({"a":[1,2.5,"x",null,true]})"));
  accuracy.metadata.push_back(MakeAttr("deep", std::int64_t{-7}));
  accuracy.metadata.back().kind = AttributeKind::kRelationship;
  t.metadata.push_back(accuracy);
  e.attributes.push_back(t);
  Attribute loc =
      MakeAttr("location", boost::json::parse(R"({"type":"Point","coordinates":[139.7,35.6]})"));
  loc.kind = AttributeKind::kGeoProperty;
  loc.type = "geo:json";
  e.attributes.push_back(loc);
  e.attributes.push_back(MakeAttr("big", std::uint64_t{18446744073709551615ULL}));
  e.attributes.push_back(MakeAttr("text", "日本語 \"quoted\""));
  e.attributes.push_back(MakeAttr("empty", nullptr));

  auto decoded = DecodeEntity(EncodeEntity(e));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().detail;
  EXPECT_EQ(*decoded, e);
}

TEST(EntityCodec, OmitsUnsetOptionalFields) {
  Entity e;
  e.id = "x";
  e.types = {"T"};
  auto decoded = DecodeEntity(EncodeEntity(e));
  ASSERT_TRUE(decoded.has_value());
  EXPECT_FALSE(decoded->expires_at.has_value());
  EXPECT_EQ(*decoded, e);
  EXPECT_EQ(EncodeEntity(e).find("\"x\":"), std::string::npos);   // no expires key
  EXPECT_EQ(EncodeEntity(e).find("\"sc\":"), std::string::npos);  // no scopes key
}

// Times equal to the holder's are left out of the document and inherited back; times that
// differ are kept, and documents written before (both times on every attribute) still decode.
TEST(EntityCodec, AttributeTimesEqualToTheHoldersAreInherited) {
  Entity e;
  e.id = "x";
  e.types = {"T"};
  e.created_at = Timestamp{1000};
  e.modified_at = Timestamp{2000};
  Attribute same = MakeAttr("same", 1);
  same.created_at = Timestamp{1000};
  same.modified_at = Timestamp{2000};
  Attribute later = MakeAttr("later", 2);
  later.created_at = Timestamp{1000};
  later.modified_at = Timestamp{1500};
  Attribute sub = MakeAttr("sub", 3);
  sub.created_at = Timestamp{1000};
  sub.modified_at = Timestamp{1500};
  later.metadata.push_back(sub);
  e.attributes = {same, later};
  const std::string text = EncodeEntity(e);
  EXPECT_EQ(text.find(R"("n":"same","t":"Number","v":1,"c")"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("v":2)"), std::string::npos);
  EXPECT_NE(text.find(R"("m":1500)"), std::string::npos) << text;
  auto decoded = DecodeEntity(text);
  ASSERT_TRUE(decoded.has_value()) << decoded.error().detail;
  EXPECT_EQ(*decoded, e);

  auto older = DecodeEntity(
      R"({"i":"x","t":["T"],"s":"/","c":1000,"m":2000,"a":[{"n":"a","t":"Number","v":1,"c":7,"m":8}]})");
  ASSERT_TRUE(older.has_value()) << older.error().detail;
  EXPECT_EQ(older->attributes.at(0).created_at, Timestamp{7});
  EXPECT_EQ(older->attributes.at(0).modified_at, Timestamp{8});
}

// Found by tests/fuzz/v2_payload_fuzz.cpp: a value nested 45 levels deep (NGSIv2 accepts 50)
// was encoded, but DecodeEntity hit Boost.JSON's default depth limit of 32.
TEST(EntityCodec, RoundTripsDeeplyNestedValues) {
  boost::json::value deep = boost::json::array{};
  for (int i = 0; i < 50; ++i) deep = boost::json::array{deep};
  Entity e;
  e.id = "x";
  e.types = {"T"};
  auto attr = MakeAttr("deep", deep);
  attr.metadata.push_back(MakeAttr("md", deep));
  e.attributes.push_back(attr);
  auto decoded = DecodeEntity(EncodeEntity(e));
  ASSERT_TRUE(decoded.has_value()) << decoded.error().detail;
  EXPECT_EQ(*decoded, e);
}

// The stored text itself, byte for byte: documents already in stores and logs were written by
// the encoder of before (an object built with Boost.JSON, then serialized), and the text of
// an unchanged entity must stay the same. Escapes, key order and optional keys included.
TEST(EntityCodec, WritesTheTextItAlwaysWrote) {
  Entity e;
  e.id = "urn:ngsi-ld:T:\"q\" \\ \n\t\r\b\f \x01\x1f\x7f 東京/";
  e.types = {"T", "https://example.org/U"};
  e.service_path = "/a";
  e.created_at = Timestamp{1700000000000};
  e.modified_at = Timestamp{-5};
  e.expires_at = Timestamp{1800000000123};
  e.scopes = {"/Wakayama", "/M"};
  Attribute t = MakeAttr("temperature", 21.5);
  t.dataset_id = "urn:ds:1";
  t.observed_at = Timestamp{42};
  t.unit_code = "CEL";
  Attribute accuracy =
      MakeAttr("accuracy", boost::json::parse(R"({"a":[1,2.5,"x\u0001",null,true],"b":{}})"));
  accuracy.metadata.push_back(MakeAttr("deep", std::int64_t{-7}));
  accuracy.metadata.back().kind = AttributeKind::kRelationship;
  accuracy.metadata.back().created_at = Timestamp{3};
  t.metadata.push_back(accuracy);
  e.attributes.push_back(t);
  Attribute same_times = MakeAttr("n", std::uint64_t{18446744073709551615ULL});
  same_times.created_at = e.created_at;
  same_times.modified_at = e.modified_at;
  same_times.kind = AttributeKind::kGeoProperty;
  e.attributes.push_back(same_times);
  e.attributes.push_back(MakeAttr("d", 1e300));
  e.attributes.push_back(MakeAttr("z", -0.0));
  e.attributes.push_back(MakeAttr("empty", nullptr));
  e.attributes.push_back(MakeAttr("list", boost::json::array{}));
  const std::string expected =
      R"({"i":"urn:ngsi-ld:T:\"q\" \\ \n\t\r\b\f \u0001\u001f)"
      "\x7f"
      R"( 東京/","t":["T","https://example.org/U"],"s":"/a","c":1700000000000,"m":-5,"x":1800000000123,"sc":["/Wakayama","/M"],"a":[{"n":"temperature","t":"Number","v":2.15E1,"md":[{"n":"accuracy","t":"Number","v":{"a":[1,2.5E0,"x\u0001",null,true],"b":{}},"md":[{"n":"deep","k":1,"t":"Number","v":-7,"c":3}]}],"d":"urn:ds:1","o":42,"u":"CEL","c":1,"m":2},{"n":"n","k":2,"t":"Number","v":18446744073709551615},{"n":"d","t":"Number","v":1E300,"c":1,"m":2},{"n":"z","t":"Number","v":-0E0,"c":1,"m":2},{"n":"empty","t":"Number","v":null,"c":1,"m":2},{"n":"list","t":"Number","v":[],"c":1,"m":2}]})";
  EXPECT_EQ(EncodeEntity(e), expected);

  Entity bare;
  EXPECT_EQ(EncodeEntity(bare), R"({"i":"","t":[],"s":"/","c":0,"m":0,"a":[]})");
}

// Random text: every byte below 0x20, quotes, backslashes, DEL, ASCII and UTF-8 sequences.
std::string RandomText(std::mt19937& rng) {
  static const std::vector<std::string> kPieces = {
      "\"", "\\", "\x7f", "a", "Z", " ", "/", "東京", "ｶﾅ", "é", "\xf0\x9f\x98\x80"};
  std::string out;
  const int n = static_cast<int>(rng() % 12);
  for (int i = 0; i < n; ++i) {
    if (rng() % 3 == 0) {
      out.push_back(static_cast<char>(rng() % 0x20));
    } else {
      out += kPieces[rng() % kPieces.size()];
    }
  }
  return out;
}

boost::json::value RandomValue(std::mt19937& rng, int depth) {
  switch (rng() % (depth > 3 ? 6 : 8)) {
    case 0:
    case 1:
      return boost::json::value(boost::json::string(RandomText(rng)));
    case 2:
      return static_cast<std::int64_t>(rng()) - (1LL << 31);
    case 3:
      return std::uniform_real_distribution<double>(-1e9, 1e9)(rng);
    case 4:
      return rng() % 2 == 0;
    case 5:
      return nullptr;
    case 6: {
      boost::json::array a;
      for (unsigned i = 0; i < rng() % 4; ++i) a.push_back(RandomValue(rng, depth + 1));
      return a;
    }
    default: {
      boost::json::object o;
      for (unsigned i = 0; i < rng() % 4; ++i) o[RandomText(rng)] = RandomValue(rng, depth + 1);
      return o;
    }
  }
}

// Whatever writes the stored text (entity_codec.cpp DocWriter), strings and values must stay
// as Boost.JSON's serializer writes them, which is what every stored document has.
TEST(EntityCodec, WritesStringsAndValuesAsBoostJsonDoes) {
  std::mt19937 rng(2026);
  for (int round = 0; round < 2000; ++round) {
    Entity e;
    e.id = RandomText(rng);
    const std::string name = RandomText(rng);
    const boost::json::value value = RandomValue(rng, 0);
    e.attributes.push_back(MakeAttr(name, value));
    const std::string doc = EncodeEntity(e);
    const std::string id_part = "{\"i\":" + boost::json::serialize(boost::json::string(e.id));
    ASSERT_EQ(doc.substr(0, id_part.size()), id_part) << doc;
    const std::string attr_part = "{\"n\":" + boost::json::serialize(boost::json::string(name)) +
                                  ",\"t\":\"Number\",\"v\":" + boost::json::serialize(value) + ",";
    ASSERT_NE(doc.find(attr_part), std::string::npos) << doc << "\n" << attr_part;
    // Decoding gives the text back (not always every double's last bit: Boost 1.81's parser
    // has no precise number mode).
    auto decoded = DecodeEntity(doc);
    ASSERT_TRUE(decoded.has_value()) << doc;
    EXPECT_EQ(decoded->attributes.front().name, name);
  }
}

TEST(EntityCodec, RejectsCorruptText) {
  for (
      const char* text :
      {"", "[]", "{\"i\":1}", "{\"i\":\"a\",\"t\":[],\"s\":\"/\",\"c\":1}",
       "{\"i\":\"a\",\"t\":[],\"s\":\"/\",\"c\":1,\"m\":2,\"a\":[{\"n\":1}]}",
       // Each member the decoder reads, missing or of the wrong JSON type.
       R"({"i":"a","t":"T","s":"/","c":1,"m":2,"a":[]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"sc":"/x","a":[]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"x":"soon","a":[]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"Number"}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"k":99}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"md":{}}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"d":7}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"o":"now"}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"c":"x"}]})",
       R"({"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","t":"N","v":1,"md":[{"n":"q"}]}]})"}) {
    auto decoded = DecodeEntity(text);
    ASSERT_FALSE(decoded.has_value()) << text;
    EXPECT_EQ(decoded.error().code, base::ErrorCode::kInternalError);
  }
}

TEST(EntityCodec, IgnoresMembersItDoesNotKnow) {
  // A document written by a later version may carry more; what this one knows still reads.
  auto decoded = DecodeEntity(
      R"({"z":1,"i":"a","t":["T"],"s":"/","c":1,"m":2,"a":[{"n":"p","zz":[1],"t":"N","v":4}]})");
  ASSERT_TRUE(decoded.has_value()) << decoded.error().detail;
  EXPECT_EQ(decoded->id, "a");
  ASSERT_EQ(decoded->attributes.size(), 1u);
  EXPECT_EQ(decoded->attributes[0].value, boost::json::value(4));
  EXPECT_EQ(decoded->attributes[0].modified_at.millis, 2);
}

}  // namespace
}  // namespace renkei::core
