#include "api/ngsild/ld_negotiation.hpp"

#include <gtest/gtest.h>

namespace renkei::api::ngsild {
namespace {

LdMediaType Chosen(std::string_view accept, bool geo_json = false) {
  auto media = Negotiate(accept, geo_json);
  EXPECT_TRUE(media.has_value()) << accept;
  return media ? *media : LdMediaType::kJson;
}

bool Refused(std::string_view accept, bool geo_json = false) {
  auto media = Negotiate(accept, geo_json);
  return !media && media.error().code == base::ErrorCode::kNotAcceptable;
}

TEST(LdNegotiation, NoAcceptIsJson) {
  EXPECT_EQ(*Negotiate(std::nullopt, false), LdMediaType::kJson);
  EXPECT_EQ(Chosen(" "), LdMediaType::kJson);
}

TEST(LdNegotiation, WildcardsAreJson) {
  EXPECT_EQ(Chosen("*/*"), LdMediaType::kJson);
  EXPECT_EQ(Chosen("application/*"), LdMediaType::kJson);
  EXPECT_EQ(Chosen("text/html, */*;q=0.1"), LdMediaType::kJson);
}

TEST(LdNegotiation, HighestWeightWins) {
  EXPECT_EQ(Chosen("application/ld+json;q=0.5, application/json"), LdMediaType::kJson);
  EXPECT_EQ(Chosen("application/json;q=0.5, application/ld+json;q=0.9"), LdMediaType::kLdJson);
  EXPECT_EQ(Chosen("application/ld+json, application/json"), LdMediaType::kLdJson);
}

TEST(LdNegotiation, ZeroWeightExcludes) {
  EXPECT_EQ(Chosen("application/ld+json;q=0, application/json"), LdMediaType::kJson);
  EXPECT_TRUE(Refused("application/json;q=0"));
  EXPECT_TRUE(Refused("application/json; q=0.000"));
}

TEST(LdNegotiation, SpecificTypeBeatsWildcardOfSameWeight) {
  EXPECT_EQ(Chosen("*/*, application/ld+json"), LdMediaType::kLdJson);
  EXPECT_EQ(Chosen("application/geo+json, */*", true), LdMediaType::kGeoJson);
}

TEST(LdNegotiation, GeoJsonOnlyWhereOffered) {
  EXPECT_TRUE(Refused("application/geo+json"));
  EXPECT_EQ(Chosen("application/geo+json", true), LdMediaType::kGeoJson);
}

TEST(LdNegotiation, TypesCompareWholeAndIgnoringCase) {
  EXPECT_TRUE(Refused("application/json-patch+json"));
  EXPECT_TRUE(Refused("application/xml"));
  EXPECT_EQ(Chosen("Application/LD+JSON"), LdMediaType::kLdJson);
}

TEST(LdNegotiation, ContentTypeMediaType) {
  EXPECT_EQ(MediaTypeOf("application/ld+json; charset=utf-8"), "application/ld+json");
  EXPECT_EQ(MediaTypeOf(" application/json "), "application/json");
}

}  // namespace
}  // namespace renkei::api::ngsild
