#include "http/router.hpp"

#include <gtest/gtest.h>

namespace renkei::http {
namespace {

Router<int> MakeRouter() {
  Router<int> router;
  router.Add("GET", "/v2/entities", 1);
  router.Add("POST", "/v2/entities", 2);
  router.Add("GET", "/v2/entities/{id}", 3);
  router.Add("DELETE", "/v2/entities/{id}", 4);
  router.Add("GET", "/v2/entities/{id}/attrs/{attr}", 5);
  router.Add("GET", "/version", 6);
  return router;
}

TEST(RouterTest, MatchesMethodAndLiteralPath) {
  const auto router = MakeRouter();
  const auto match = router.Find("POST", "/v2/entities");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(*match.route, 2);
  EXPECT_TRUE(match.path_known);
  EXPECT_TRUE(match.params.empty());
}

TEST(RouterTest, ExtractsParamsInOrder) {
  const auto router = MakeRouter();
  const auto match = router.Find("GET", "/v2/entities/Room1/attrs/temperature");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(*match.route, 5);
  const PathParams expected = {{"id", "Room1"}, {"attr", "temperature"}};
  EXPECT_EQ(match.params, expected);
}

TEST(RouterTest, IgnoresOneTrailingSlash) {
  const auto router = MakeRouter();
  const auto list = router.Find("GET", "/v2/entities/");
  ASSERT_NE(list.route, nullptr);
  EXPECT_EQ(*list.route, 1);
  const auto one = router.Find("GET", "/v2/entities/Room1/");
  ASSERT_NE(one.route, nullptr);
  EXPECT_EQ(*one.route, 3);
  EXPECT_EQ(one.params, (PathParams{{"id", "Room1"}}));
}

TEST(RouterTest, ParamNeverMatchesAnEmptySegment) {
  const auto router = MakeRouter();
  const auto match = router.Find("GET", "/v2/entities//attrs/x");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_known);
}

TEST(RouterTest, RestParamTakesTheRemainingSegments) {
  Router<int> router;
  router.Add("GET", "/ctx", 1);
  router.Add("GET", "/ctx/{id*}", 2);
  const auto url = router.Find("GET", "/ctx/https://example.org/a/b.jsonld");
  ASSERT_NE(url.route, nullptr);
  EXPECT_EQ(*url.route, 2);
  EXPECT_EQ(url.params, (PathParams{{"id", "https://example.org/a/b.jsonld"}}));
  const auto plain = router.Find("GET", "/ctx/abc");
  ASSERT_NE(plain.route, nullptr);
  EXPECT_EQ(plain.params, (PathParams{{"id", "abc"}}));
  const auto collection = router.Find("GET", "/ctx/");
  ASSERT_NE(collection.route, nullptr);
  EXPECT_EQ(*collection.route, 1);
  EXPECT_EQ(router.Find("GET", "/ctx//x").route, nullptr);
}

TEST(RouterTest, UnknownPathIsNotFound) {
  const auto router = MakeRouter();
  const auto match = router.Find("GET", "/v2/nothing");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_FALSE(match.path_known);
  EXPECT_TRUE(match.allowed_methods.empty());
}

TEST(RouterTest, KnownPathWithOtherMethodListsAllowedMethods) {
  const auto router = MakeRouter();
  const auto match = router.Find("PATCH", "/v2/entities/Room1");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);  // 405, not 404
  const std::vector<std::string> expected = {"GET", "DELETE"};
  EXPECT_EQ(match.allowed_methods, expected);
}

TEST(RouterTest, MethodIsCaseSensitive) {
  const auto router = MakeRouter();
  const auto match = router.Find("get", "/version");
  EXPECT_EQ(match.route, nullptr);
  EXPECT_TRUE(match.path_known);
}

TEST(RouterTest, FirstRegisteredRouteWins) {
  Router<int> router;
  router.Add("GET", "/v2/entities/{id}", 1);
  router.Add("GET", "/v2/entities/special", 2);
  const auto match = router.Find("GET", "/v2/entities/special");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(*match.route, 1);
}

TEST(RouterTest, EncodedSlashStaysInsideItsParameter) {
  Router<int> router;
  router.Add("GET", "/ngsi-ld/v1/types/{type}", 1);
  const auto match =
      router.FindEncoded("GET", "/ngsi-ld/v1/types/https%3A%2F%2Fexample.org%2Fv%23Building/");
  ASSERT_NE(match.route, nullptr);
  EXPECT_EQ(match.params.at(0).second, "https://example.org/v#Building");
  // Decoded first, the same path has too many segments for the pattern.
  EXPECT_EQ(router.Find("GET", "/ngsi-ld/v1/types/https://example.org/v#Building").route, nullptr);
}

}  // namespace
}  // namespace renkei::http
