#include "notify/macro.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "http/request_target.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

const MacroContext& Context() {
  static const MacroContext context{
      json::parse(R"({"id":"R1","t":23.5,"obj":{"a":[1,2]},"n":3,"s":"x y"})").as_object(),
      base::Timestamp{}};
  return context;
}

TEST(Macro, TextTemplatesInsertTextAndNullForUnknown) {
  EXPECT_EQ(SubstituteText("http://x/${id}?t=${t}", Context()), "http://x/R1?t=23.5");
  EXPECT_EQ(SubstituteText("${obj}|${missing}|${", Context()), R"({"a":[1,2]}|null|${)");
  EXPECT_EQ(SubstituteText("no macros", Context()), "no macros");
  EXPECT_EQ(SubstituteText("${missing}", Context(), ""), "") << "headers and qs: left out";
}

TEST(Macro, TextTemplatesEvaluateExpressions) {
  EXPECT_EQ(SubstituteText("${n*2}/${s|uppercase}/${t > 20 ? 'hot' : 'cold'}", Context()),
            "6/X Y/hot");
  EXPECT_EQ(SubstituteText("${{a: n}}", Context()), "null}") << "in text, the first } ends it";
  EXPECT_EQ(SubstituteText("${${n}}", Context()), "null}") << "Orion case 4085 unbalanced";
  EXPECT_EQ(SubstituteText("X:${n|patata}:Y", Context()), "X:null:Y") << "Orion failsafe";
  EXPECT_EQ(SubstituteText("X:${s|includes('x)}:Y", Context()), "X:null:Y") << "syntax error";
  EXPECT_EQ(SubstituteText("${missing||'one'}", Context(), ""), "one");
}

TEST(Macro, JsonTemplatesKeepTheTypeOfAWholeMacro) {
  auto out = SubstituteJson(
      json::parse(
          R"({"t":"${t}","s":"T is ${t}","o":"${obj}","m":"${missing}","${id}":[1,"${id}"]})"),
      Context());
  EXPECT_EQ(out,
            json::parse(R"({"t":23.5,"s":"T is 23.5","o":{"a":[1,2]},"m":null,"${id}":[1,"R1"]})"));
}

TEST(Macro, JsonTemplatesTakeTheTypeOfAWholeExpression) {
  auto out = SubstituteJson(json::parse(R"({"a":"${n+1}","b":"${{count: n, l: [n]}}",
                                            "c":"${n} and ${t}","d":"${obj.a[1]|toString}",
                                            "e":"${s|includes('x)|toString}",
                                            "f":"${${n}}","g":"${s|split('}')}"})"),
                            Context());
  EXPECT_EQ(out, json::parse(R"({"a":4,"b":{"count":3,"l":[3]},"c":"3 and 23.5","d":"2",
                                 "e":null,"f":"null}","g":["x y"]})"));
}

TEST(Macro, PercentDecoding) {  // what notification_builder decodes payloads with
  EXPECT_EQ(http::PercentDecoded("a%22b%28c%29%3D%3d"), "a\"b(c)==");
  EXPECT_EQ(http::PercentDecoded("100%"), "100%");
  EXPECT_EQ(http::PercentDecoded("%zz%4"), "%zz%4");
}

}  // namespace
}  // namespace renkei::notify
