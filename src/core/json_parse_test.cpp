#include "core/json_parse.hpp"

#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace renkei::core {
namespace {

namespace json = boost::json;

json::value Parse(std::string_view text) {
  boost::system::error_code ec;
  json::value v = ParseJson(text, ec);
  EXPECT_FALSE(ec) << text << ": " << ec.message();
  return v;
}

std::string Shortest(double d) {
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, d);
  return std::string(buffer, result.ptr);
}

TEST(JsonParse, EveryDoubleReadsBackExactly) {
  // Shortest round-trip texts (what JavaScript and renkei's responses write) and Boost's own
  // serialization (what the store writes: "1.39795697E2"), of doubles of every magnitude.
  std::mt19937_64 random(1);
  int checked = 0;
  for (int i = 0; i < 200000; ++i) {
    double d;
    if (i % 2 == 0) {
      d = std::uniform_real_distribution<double>(-180, 180)(random);
    } else {
      const std::uint64_t bits = random();
      std::memcpy(&d, &bits, sizeof d);
      if (!std::isfinite(d)) continue;
    }
    for (const std::string& text : {Shortest(d), json::serialize(json::value(d))}) {
      const json::value v = Parse(text);
      // Whole numbers written without a point or exponent are integers, as with Boost.
      ASSERT_EQ(v.is_double() ? v.as_double() : v.to_number<double>(), d) << text;
      ++checked;
    }
  }
  EXPECT_GT(checked, 300000);
  // The cases that Boost 1.81's own parser reads one unit in the last place off.
  EXPECT_EQ(Parse("-9.146229953197121").as_double(), -9.146229953197121);
  EXPECT_EQ(Parse("[21.299999999999997]").as_array()[0].as_double(), 21.299999999999997);
  EXPECT_EQ(Parse("{\"v\":1.8088101387491814e-140}").at("v").as_double(), 1.8088101387491814e-140);
}

TEST(JsonParse, BuildsWhatBoostBuilds) {
  // Everything but doubles comes out as Boost's parser gives it.
  for (const char* text :
       {R"({"a":1,"b":[true,false,null],"c":{"d":"e\u00e9\n\"x\"","f":[]},"g":{}})",
        R"([-9223372036854775808, 9223372036854775807, 18446744073709551615, 0, -0])",
        R"("白浜町 \ud83d\udebb")", "  [ 1 , 2 ]  ", R"({"dup":1,"dup":2})", "null", "17"}) {
    boost::system::error_code ec;
    const json::value expected = json::parse(text, ec);
    ASSERT_FALSE(ec) << text;
    EXPECT_EQ(Parse(text), expected) << text;
  }
  // Numbers too large for 64 bits are doubles, as with Boost.
  EXPECT_EQ(Parse("18446744073709551616").as_double(), 18446744073709551616.0);
  // Long strings with escapes come in parts from the parser.
  std::string long_text(200000, 'x');
  for (std::size_t i = 0; i < long_text.size(); i += 1000) long_text[i] = '\t';
  const std::string quoted = json::serialize(json::value(long_text));
  EXPECT_EQ(Parse(quoted).as_string(), long_text);
  const std::string long_key = long_text.substr(0, 5000);
  EXPECT_EQ(Parse("{" + json::serialize(json::value(long_key)) + ":1}").as_object().begin()->key(),
            long_key);
}

TEST(JsonParse, RefusesWhatBoostRefuses) {
  for (const char* text : {"", "{", "[1,]", "{\"a\":}", "01", "1.", "[1] [2]", "nul", "\"\\x\""}) {
    boost::system::error_code ec;
    const json::value v = ParseJson(text, ec);
    EXPECT_TRUE(ec) << text;
    EXPECT_TRUE(v.is_null()) << text;
  }
  json::parse_options shallow;
  shallow.max_depth = 2;
  boost::system::error_code ec;
  ParseJson("[[[1]]]", ec, shallow);
  EXPECT_EQ(ec, json::error::too_deep);
  EXPECT_FALSE(ParseJson("[[1]]", ec, shallow).is_null());
  EXPECT_FALSE(ec);
}

}  // namespace
}  // namespace renkei::core
