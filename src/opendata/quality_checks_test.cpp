#include "opendata/quality_checks.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

TEST(QualityChecks, PostalCodeIsSevenDigitsWithoutHyphen) {
  EXPECT_FALSE(PostalCodeProblem("6492211"));
  EXPECT_NE(PostalCodeProblem("649-2211")->find("hyphen"), std::string::npos);
  EXPECT_NE(PostalCodeProblem("６４９２２１１")->find("full-width"), std::string::npos);
  EXPECT_TRUE(PostalCodeProblem("649221"));
  EXPECT_TRUE(PostalCodeProblem("64922110"));
  EXPECT_TRUE(PostalCodeProblem(""));
}

TEST(QualityChecks, TelephoneFollowsDs445) {
  EXPECT_FALSE(TelephoneProblem("0739-43-5555"));
  EXPECT_FALSE(TelephoneProblem("(03)5253-5111"));
  EXPECT_FALSE(TelephoneProblem("+81 (03)5253-5111"));
  EXPECT_FALSE(TelephoneProblem("090-9999-9999"));
  EXPECT_FALSE(TelephoneProblem("0120-123-456"));
  EXPECT_NE(TelephoneProblem("０７３９-４３-５５５５")->find("full-width"), std::string::npos);
  EXPECT_NE(TelephoneProblem("0739435555")->find("no separators"), std::string::npos);
  EXPECT_NE(TelephoneProblem("0739-43-555")->find("9 digits"), std::string::npos);
  EXPECT_NE(TelephoneProblem("739-43-5555")->find("starts with 0"), std::string::npos);
  EXPECT_NE(TelephoneProblem("0739-43-5555（代表）")->find("not allowed"), std::string::npos);
  EXPECT_TRUE(TelephoneProblem("0739--43-5555"));
  EXPECT_TRUE(TelephoneProblem("(0739-43-5555"));
  EXPECT_TRUE(TelephoneProblem(""));
}

TEST(QualityChecks, DatesAreRealCalendarDates) {
  EXPECT_FALSE(DateProblem("2024-02-29"));
  EXPECT_FALSE(DateProblem("2024"));
  EXPECT_NE(DateProblem("2023-02-29")->find("does not exist"), std::string::npos);
  EXPECT_NE(DateProblem("2024-13-01")->find("month 13"), std::string::npos);
  EXPECT_TRUE(DateProblem("1900-02-29"));
  EXPECT_FALSE(DateProblem("2000-02-29"));
  EXPECT_TRUE(DateProblem("2024/04/01"));
  EXPECT_NE(DateProblem("令和6年4月1日")->find("和暦"), std::string::npos);
}

TEST(QualityChecks, TimesAreTimesOfDay) {
  EXPECT_FALSE(TimeProblem("09:00:00"));
  EXPECT_FALSE(TimeProblem("23:59"));
  EXPECT_FALSE(TimeProblem("24:00:00"));
  EXPECT_TRUE(TimeProblem("24:30:00"));
  EXPECT_TRUE(TimeProblem("9:00"));
  EXPECT_TRUE(TimeProblem("12:60:00"));
}

TEST(QualityChecks, WarekiIsFoundByEraNameOrInitial) {
  EXPECT_TRUE(ContainsWareki("令和6年4月1日"));
  EXPECT_TRUE(ContainsWareki("令和元年5月1日"));
  EXPECT_TRUE(ContainsWareki("平成３１年"));
  EXPECT_TRUE(ContainsWareki("H31.4.30"));
  EXPECT_TRUE(ContainsWareki("R2.4.1"));
  EXPECT_TRUE(ContainsWareki("S63年"));
  EXPECT_FALSE(ContainsWareki("2024-04-01"));
  EXPECT_FALSE(ContainsWareki("昭和通り"));  // a street name, no year
  EXPECT_FALSE(ContainsWareki("HR2.4"));     // part of a word
  EXPECT_FALSE(ContainsWareki("09:00:00"));
}

TEST(QualityChecks, JapanAndDistances) {
  EXPECT_TRUE(InJapan({33.68, 135.35}));
  EXPECT_FALSE(InJapan({135.35, 33.68}));
  EXPECT_FALSE(InJapan({0, 0}));
  // 白浜町役場 to 有田市役所 is about 56 km as the crow flies.
  const double km = DistanceKm({33.6781, 135.3479}, {34.0834, 135.1275});
  EXPECT_GT(km, 45);
  EXPECT_LT(km, 55);
  EXPECT_DOUBLE_EQ(DistanceKm({34, 135}, {34, 135}), 0);
}

TEST(QualityChecks, PlaceholderLotNumber) {
  EXPECT_TRUE(AddressProblem("すさみ町周参見0-0"));
  EXPECT_TRUE(AddressProblem("0-0"));
  EXPECT_FALSE(AddressProblem("白浜町小川450-0"));
  EXPECT_FALSE(AddressProblem("白浜町10-05"));
  EXPECT_FALSE(AddressProblem("東京都江東区清澄2-14-9"));
}

}  // namespace
}  // namespace renkei::opendata
