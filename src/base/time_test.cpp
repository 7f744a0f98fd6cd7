#include "base/time.hpp"

#include <gtest/gtest.h>

namespace renkei::base {
namespace {

TEST(Iso8601, ParsesDateOnlyAsMidnightUtc) {
  auto t = ParseIso8601("2017-06-17");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIso8601(*t), "2017-06-17T00:00:00.000Z");
}

TEST(Iso8601, ParsesFractionsAndOffsets) {
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2018-01-01T10:00:00.5+01:00")),
            "2018-01-01T09:00:00.500Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2018-01-01T10:00Z")), "2018-01-01T10:00:00.000Z");
  EXPECT_EQ(ParseIso8601("1970-01-01T00:00:01Z")->millis, 1000);
}

TEST(Iso8601, AcceptsOrionsPartialForms) {
  const char* forms[] = {"2016-10-01T10:20:30.000Z", "2016-10-01T102030Z",
                         "2016-10-01T10:20:30",      "2016-10-01T1020+0000",
                         "2016-10-01T10:20+00",      "2016-10-01T11:20:30+01:00"};
  for (const char* f : forms) {
    auto t = ParseIso8601(f);
    ASSERT_TRUE(t) << f;
  }
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2016-10-01T10Z")), "2016-10-01T10:00:00.000Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2016-10-01T102030")), "2016-10-01T10:20:30.000Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("2016-10-01T0000Z")), "2016-10-01T00:00:00.000Z");
}

TEST(Iso8601, RejectsInvalidDates) {
  EXPECT_FALSE(ParseIso8601("2017-02-30"));
  EXPECT_FALSE(ParseIso8601("2017-13-01"));
  EXPECT_FALSE(ParseIso8601("hello"));
  EXPECT_FALSE(ParseIso8601("2017-01-01T25:00:00"));
  EXPECT_FALSE(ParseIso8601("2017-01-01T10:00:00Zjunk"));
}

// Found by tests/fuzz/iso8601_fuzz.cpp: an offset moved the instant out of years 0000-9999,
// and FormatIso8601 then wrote "10000-01-01T..." (or "-001-12-31T..."), which does not parse.
TEST(Iso8601, RejectsOffsetsLeavingFourDigitYears) {
  EXPECT_FALSE(ParseIso8601("9999-12-31T23:59:59.999-14:00"));
  EXPECT_FALSE(ParseIso8601("0000-01-01T00:00:00+01:00"));
  EXPECT_EQ(FormatIso8601(*ParseIso8601("9999-12-31T23:59:59.999Z")), "9999-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatIso8601(*ParseIso8601("0000-01-01T01:00:00+01:00")), "0000-01-01T00:00:00.000Z");
}

TEST(Iso8601, RoundTripsNegativeEpoch) {
  auto t = ParseIso8601("1960-03-04T05:06:07.089Z");
  ASSERT_TRUE(t);
  EXPECT_EQ(FormatIso8601(*t), "1960-03-04T05:06:07.089Z");
}

}  // namespace
}  // namespace renkei::base
