#include "core/json_text.hpp"

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

TEST(JsonText, EscapesStringsAndKeepsUtf8) {
  EXPECT_EQ(ToJsonText(boost::json::value("a\"b\\c\n\x01白浜")), "\"a\\\"b\\\\c\\n\\u0001白浜\"");
}

TEST(JsonText, KeepsObjectOrder) {
  EXPECT_EQ(ToJsonText(boost::json::parse(R"({"z":1,"a":{"y":[true,null]}})")),
            R"({"z":1,"a":{"y":[true,null]}})");
}

}  // namespace
}  // namespace renkei::core
