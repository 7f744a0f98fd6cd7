#include "http/request_target.hpp"

#include <gtest/gtest.h>

namespace renkei::http {
namespace {

using Query = std::vector<std::pair<std::string, std::string>>;

TEST(RequestTargetTest, SplitsPathAndQuery) {
  std::string path;
  Query query;
  ParseRequestTarget("/v2/entities?type=Room&limit=10", path, query);
  EXPECT_EQ(path, "/v2/entities");
  EXPECT_EQ(query, (Query{{"type", "Room"}, {"limit", "10"}}));
}

TEST(RequestTargetTest, DecodesPercentButNotPlus) {
  std::string path;
  Query query;
  ParseRequestTarget("/v2/entities/a%20b%2fc?q=temperature%3E20&x=a+b&n%C3%A4me=%E6%9D%B1", path,
                     query);
  EXPECT_EQ(path, "/v2/entities/a b/c");
  EXPECT_EQ(query, (Query{{"q", "temperature>20"}, {"x", "a+b"}, {"näme", "東"}}));
}

TEST(RequestTargetTest, FormDecodingTurnsRawPlusIntoSpace) {
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  ParseRequestTarget("/p+q?coordinates=[1,+2]&q=a%2Bb+c&x+y=1", path, query, QueryPlus::kSpace);
  EXPECT_EQ(path, "/p+q");  // the path is never form-encoded
  ASSERT_EQ(query.size(), 3u);
  EXPECT_EQ(query[0].second, "[1, 2]");
  EXPECT_EQ(query[1].second, "a+b c");
  EXPECT_EQ(query[2].first, "x y");
}

TEST(RequestTargetTest, KeepsMalformedEscapes) {
  std::string out;
  AppendPercentDecoded("100%-%zz-%4-%", out);
  EXPECT_EQ(out, "100%-%zz-%4-%");
}

TEST(RequestTargetTest, ParamWithoutValueAndEmptyPieces) {
  std::string path;
  Query query;
  ParseRequestTarget("/x?options=keyValues&&flag&e=&=v", path, query);
  EXPECT_EQ(query, (Query{{"options", "keyValues"}, {"flag", ""}, {"e", ""}, {"", "v"}}));
}

TEST(RequestTargetTest, ValueMayContainEquals) {
  std::string path;
  Query query;
  ParseRequestTarget("/x?q=a==1", path, query);
  EXPECT_EQ(query, (Query{{"q", "a==1"}}));
}

TEST(RequestTargetTest, ReusedOutputsAreReplaced) {
  std::string path = "/old/path/that/is/long";
  Query query = {{"a", "1"}, {"b", "2"}, {"c", "3"}};
  ParseRequestTarget("/new?z=9", path, query);
  EXPECT_EQ(path, "/new");
  EXPECT_EQ(query, (Query{{"z", "9"}}));
  ParseRequestTarget("/none", path, query);
  EXPECT_TRUE(query.empty());
}

TEST(RequestTargetTest, EncodesOneSegmentAndDecodesBack) {
  std::string encoded;
  AppendPercentEncodedSegment("urn:ngsi-ld:Spot:1", encoded);
  EXPECT_EQ(encoded, "urn:ngsi-ld:Spot:1");
  encoded.clear();
  const std::string iri = "https://example.org/things/1?x=a b#f%\xC3\xA9";
  AppendPercentEncodedSegment(iri, encoded);
  EXPECT_EQ(encoded, "https:%2F%2Fexample.org%2Fthings%2F1%3Fx=a%20b%23f%25%C3%A9");
  std::string decoded;
  AppendPercentDecoded(encoded, decoded);
  EXPECT_EQ(decoded, iri);
}

}  // namespace
}  // namespace renkei::http
