#include "notify/macro.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace renkei::notify {
namespace {

namespace json = boost::json;

std::optional<json::value> Lookup(std::string_view name) {
  if (name == "id") return json::value("R1");
  if (name == "t") return json::value(23.5);
  if (name == "obj") return json::parse(R"({"a":[1,2]})");
  return std::nullopt;
}

TEST(Macro, TextTemplatesInsertTextAndNullForUnknown) {
  EXPECT_EQ(SubstituteText("http://x/${id}?t=${t}", Lookup), "http://x/R1?t=23.5");
  EXPECT_EQ(SubstituteText("${obj}|${missing}|${", Lookup), R"({"a":[1,2]}|null|${)");
  EXPECT_EQ(SubstituteText("no macros", Lookup), "no macros");
  EXPECT_EQ(SubstituteText("${missing}", Lookup, ""), "") << "headers and qs: left out";
}

TEST(Macro, JsonTemplatesKeepTheTypeOfAWholeMacro) {
  auto out = SubstituteJson(
      json::parse(
          R"({"t":"${t}","s":"T is ${t}","o":"${obj}","m":"${missing}","${id}":[1,"${id}"]})"),
      Lookup);
  EXPECT_EQ(out,
            json::parse(R"({"t":23.5,"s":"T is 23.5","o":{"a":[1,2]},"m":null,"${id}":[1,"R1"]})"));
}

TEST(Macro, PercentDecoding) {
  EXPECT_EQ(PercentDecode("a%22b%28c%29%3D%3d"), "a\"b(c)==");
  EXPECT_EQ(PercentDecode("100%"), "100%");
  EXPECT_EQ(PercentDecode("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace renkei::notify
