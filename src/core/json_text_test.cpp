#include "core/json_text.hpp"

#include <cstdio>
#include <random>
#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace renkei::core {
namespace {

TEST(JsonText, WritesNumbersInShortestDecimalForm) {
  EXPECT_EQ(ToJsonText(boost::json::parse("[135.3,33.6,23,-1.5e-7,1e300,23.0]")),
            "[135.3,33.6,23,-1.5e-07,1e+300,23]");
}

TEST(JsonText, OrionStyleRoundsToNineDecimals) {
  EXPECT_EQ(ToJsonText(
                boost::json::parse("[442.123456785551,42.9999999999,-5e-324,22.1,1e20,42.000000001,"
                                   "42.999999999,-3.6127119138731127]"),
                NumberStyle::kNineDecimals),
            "[442.123456786,43,0,22.1,1e+20,42,42.999999999,-3.612711914]");
}

TEST(JsonText, NineDecimalsRoundAsPrintfDoes) {
  // Coordinates and readings with many digits: the 9-decimal text is printf's "%.9f" with
  // trailing zeros dropped, as Orion prints them.
  std::mt19937_64 random(7);
  std::uniform_real_distribution<double> any(-1000.0, 1000.0);
  for (int i = 0; i < 20000; ++i) {
    const double d = any(random);
    char buf[64];
    const int n = std::snprintf(buf, sizeof buf, "%.9f", d);
    std::string expected(buf, static_cast<std::size_t>(n));
    while (expected.back() == '0') expected.pop_back();
    if (expected.back() == '.') expected.pop_back();
    if (expected == "-0") expected = "0";
    const std::string text = ToJsonText(boost::json::value(d), NumberStyle::kNineDecimals);
    if (text.find('.') == std::string::npos) continue;  // Orion's near-integer rule
    EXPECT_EQ(text, expected) << d;
  }
}

TEST(JsonText, EscapesStringsAndKeepsUtf8) {
  EXPECT_EQ(ToJsonText(boost::json::value("a\"b\\c\n\x01白浜")), "\"a\\\"b\\\\c\\n\\u0001白浜\"");
}

TEST(JsonText, KeepsObjectOrder) {
  EXPECT_EQ(ToJsonText(boost::json::parse(R"({"z":1,"a":{"y":[true,null]}})")),
            R"({"z":1,"a":{"y":[true,null]}})");
}

}  // namespace
}  // namespace renkei::core
