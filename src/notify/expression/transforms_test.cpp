#include "notify/expression/transforms.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "notify/expression/expression.hpp"

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

// `c|<transform>` with the context {"c": <c>} (the manual's examples), as compact JSON, or
// "error".
std::string With(std::string_view c, std::string_view transform) {
  json::object context;
  context["c"] = json::parse(c);
  context["values"] = json::parse(R"(["es", "fr", "de"])");
  context["choices"] = json::parse(R"(["Spain", "France", "Germany"])");
  TransformEnv env;
  env.now = base::Timestamp{1722504662123};
  auto parsed = Expression::Parse("c|" + std::string(transform));
  if (!parsed) return "parse error";
  auto value = parsed->Evaluate(context, env);
  if (!value) return "error";
  return json::serialize(*value);
}

TEST(Transforms, TheManualsList) {
  const std::vector<std::string_view> expected = {
      "uppercase", "lowercase",  "split",        "indexOf",     "len",    "trim",     "substring",
      "includes",  "isNaN",      "parseInt",     "parseFloat",  "typeOf", "toString", "toJson",
      "floor",     "ceil",       "round",        "toFixed",     "log",    "log10",    "log2",
      "sqrt",      "replaceStr", "replaceRegex", "matchRegex",  "mapper", "nMapper",  "thMapper",
      "values",    "keys",       "arrSum",       "arrAvg",      "arrMax", "arrMin",   "arrMed",
      "arrSort",   "arrReverse", "now",          "toIsoString", "getTime"};
  EXPECT_EQ(TransformNames(), expected);
}

TEST(Transforms, Text) {
  EXPECT_EQ(With(R"("fooBAR")", "uppercase"), R"("FOOBAR")");
  EXPECT_EQ(With(R"("fooBAR")", "lowercase"), R"("foobar")");
  EXPECT_EQ(With("1", "uppercase"), "error");
  EXPECT_EQ(With(R"("foo,bar,zzz")", "split(',')"), R"(["foo","bar","zzz"])");
  EXPECT_EQ(With(R"("a,")", "split(',')"), R"(["a",""])");
  EXPECT_EQ(With(R"("日本")", "split('')"), R"(["日","本"])");
  EXPECT_EQ(With(R"("fooxybar")", "indexOf('xy')"), "3");
  EXPECT_EQ(With(R"("東京xy")", "indexOf('xy')"), "2") << "characters, not bytes";
  EXPECT_EQ(With(R"("foo")", "indexOf('z')"), "null");
  EXPECT_EQ(With(R"("foobar")", "len"), "6");
  EXPECT_EQ(With(R"("東京")", "len"), "2");
  EXPECT_EQ(With("[1,2,3]", "len"), "3");
  EXPECT_EQ(With("3", "len"), "error");
  EXPECT_EQ(With(R"("  foo  bar  ")", "trim"), R"("foo  bar")");
  EXPECT_EQ(With(R"("   ")", "trim"), R"("")");
  EXPECT_EQ(With(R"("foobar")", "substring(3,5)"), R"("ba")");
  EXPECT_EQ(With(R"("X1:X2")", "substring(3,50)"), "error");
  EXPECT_EQ(With(R"("X1:X2")", "substring(5,3)"), "error");
  EXPECT_EQ(With(R"("東京都")", "substring(1,3)"), R"("京都")");
  EXPECT_EQ(With(R"("foobar")", "includes('ba')"), "true");
  EXPECT_EQ(With(R"("foobar")", "includes('x')"), "false");
  EXPECT_EQ(With(R"(["a","b"])", "includes('b')"), "true");
  EXPECT_EQ(With(R"("foobar")", "replaceStr('o','u')"), R"("fuubar")");
  EXPECT_EQ(With(R"("foobar")", "replaceStr('','u')"), "error");
  EXPECT_EQ(With(R"("aba1234aba786aba")", R"(replaceRegex('\d+','X'))"), R"("abaXabaXaba")");
  EXPECT_EQ(With(R"("abc1234fgh897hyt")", R"(matchRegex('\d+'))"), R"(["1234","897"])");
  EXPECT_EQ(With(R"("abc")", R"(matchRegex('\d+'))"), "[]");
  EXPECT_EQ(With(R"("abc")", "matchRegex('(')"), "error") << "invalid regex";
  EXPECT_EQ(With(R"("aaaa")", "matchRegex('(a+)+')"), "error") << "nested quantifiers";
  EXPECT_EQ(With('"' + std::string(10000, 'a') + '"', "matchRegex('a')"), "error")
      << "subject past kMaxRegexSubject";
}

TEST(Transforms, TypesAndConversions) {
  EXPECT_EQ(With(R"("foobar")", "isNaN"), "true");
  EXPECT_EQ(With("1.5", "isNaN"), "false");
  EXPECT_EQ(With(R"("25")", "parseInt"), "25");
  EXPECT_EQ(With(R"(" -25 ")", "parseInt"), "-25");
  EXPECT_EQ(With(R"("25.5")", "parseInt"), "error");
  EXPECT_EQ(With("25.7", "parseInt"), "25");
  EXPECT_EQ(With(R"("25.33")", "parseFloat"), "2.533E1");
  EXPECT_EQ(With(R"("x")", "parseFloat"), "error");
  EXPECT_EQ(With("23", "typeOf"), R"("Number")");
  EXPECT_EQ(With(R"("a")", "typeOf"), R"("String")");
  EXPECT_EQ(With("true", "typeOf"), R"("Boolean")");
  EXPECT_EQ(With("[]", "typeOf"), R"("Array")");
  EXPECT_EQ(With("{}", "typeOf"), R"("Object")");
  EXPECT_EQ(With("null", "typeOf"), R"("Null")");
  EXPECT_EQ(With("23", "toString"), R"("23")");
  EXPECT_EQ(With("0.1", "toString"), R"("0.1")");
  EXPECT_EQ(With(R"({"a":[1]})", "toString"), R"("{\"a\":[1]}")");
  EXPECT_EQ(With(R"("[1,2]")", "toJson"), "[1,2]");
  EXPECT_EQ(With(R"("[1,2")", "toJson"), "error");
}

TEST(Transforms, Numbers) {
  EXPECT_EQ(With("3.14", "floor"), "3");
  EXPECT_EQ(With("3.14", "ceil"), "4");
  EXPECT_EQ(With("3.14", "round"), "3");
  EXPECT_EQ(With("0.3", "round"), "0");
  EXPECT_EQ(With("3.18", "toFixed(1)"), "3.2E0");
  EXPECT_EQ(With("0.85", "toFixed(1)"), "8E-1") << "0.85 is 0.8499... in binary";
  EXPECT_EQ(With("3", "toFixed(30)"), "error");
  EXPECT_EQ(With("3.14", "log"), "1.144222799920162E0");
  EXPECT_EQ(With("100", "log10"), "2");
  EXPECT_EQ(With("32", "log2"), "5");
  EXPECT_EQ(With("25", "sqrt"), "5");
  EXPECT_EQ(With("-1", "sqrt"), "error") << "NaN is not a JSON number";
  EXPECT_EQ(With("0", "log"), "error");
  EXPECT_EQ(With(R"("a")", "floor"), "error");
}

TEST(Transforms, Mappings) {
  EXPECT_EQ(With(R"("fr")", "mapper(values,choices)"), R"("France")");
  EXPECT_EQ(With(R"("it")", "mapper(values,choices)"), "error");
  EXPECT_EQ(With(R"("fr")", "mapper(values,['x'])"), "error");
  EXPECT_EQ(With("20", "nMapper([10, 20, 30], ['low', 'medium', 'high'])"), R"("medium")");
  EXPECT_EQ(With("19.6", "nMapper([10, 20, 30], ['low', 'medium', 'high'])"), R"("medium")");
  EXPECT_EQ(With("25", "nMapper([10, 20, 30], ['low', 'medium', 'high'])"), "error");
  EXPECT_EQ(With("0.5", "thMapper([0 - 1, 1], ['low', 'medium', 'high'])"), R"("medium")");
  EXPECT_EQ(With("-3", "thMapper([0 - 1, 1], ['low', 'medium', 'high'])"), R"("low")");
  EXPECT_EQ(With("1", "thMapper([0 - 1, 1], ['low', 'medium', 'high'])"), R"("high")");
  EXPECT_EQ(With("1", "thMapper([0 - 1, 1], ['low', 'high'])"), "error");
  EXPECT_EQ(With("1", "thMapper([0 - 1, 'x'], ['low', 'medium', 'high'])"), "error");
}

TEST(Transforms, ObjectsAndArrays) {
  EXPECT_EQ(With(R"({"x": 1, "y": "foo"})", "values"), R"([1,"foo"])");
  EXPECT_EQ(With(R"({"x": 1, "y": "foo"})", "keys"), R"(["x","y"])");
  EXPECT_EQ(With("[1]", "keys"), "error");
  EXPECT_EQ(With("[1, 5]", "arrSum"), "6");
  EXPECT_EQ(With("[1, 5]", "arrAvg"), "3");
  EXPECT_EQ(With("[1, 5]", "arrMax"), "5");
  EXPECT_EQ(With("[1, 5]", "arrMin"), "1");
  EXPECT_EQ(With("[1, 3, 3, 6, 7, 8, 9]", "arrMed"), "6");
  EXPECT_EQ(With("[1, 2, 3, 4, 5, 6, 8, 9]", "arrMed"), "4.5E0");
  EXPECT_EQ(With("[]", "arrSum"), "error");
  EXPECT_EQ(With(R"([1, "a"])", "arrMax"), "error");
  EXPECT_EQ(With("3", "arrAvg"), "error");
  EXPECT_EQ(With("[3, 1, 3, 9, 7, 8, 6]", "arrSort"), "[1,3,3,6,7,8,9]");
  EXPECT_EQ(With(R"([3, "a"])", "arrSort"), "error");
  EXPECT_EQ(With("[3, 1, 3, 9, 7, 8, 6]", "arrReverse"), "[6,8,7,9,3,1,3]");
  EXPECT_EQ(With(R"([1, "foo", true])", "arrReverse"), R"([true,"foo",1])");
}

TEST(Transforms, Time) {
  EXPECT_EQ(With("0", "now"), "1722504662");
  EXPECT_EQ(With("60", "now"), "1722504722");
  EXPECT_EQ(With("1720606949", "toIsoString"), R"("2024-07-10T10:22:29+00:00")");
  EXPECT_EQ(With("1720606949.5", "toIsoString"), R"("2024-07-10T10:22:29.500+00:00")");
  // A fraction that rounds to a whole millisecond carries into the seconds (and the day).
  EXPECT_EQ(With("1720606949.9996", "toIsoString"), R"("2024-07-10T10:22:30+00:00")");
  EXPECT_EQ(With("1720655999.9999", "toIsoString"), R"("2024-07-11T00:00:00+00:00")");
  EXPECT_EQ(With("-0.5", "toIsoString"), R"("1969-12-31T23:59:59.500+00:00")");
  EXPECT_EQ(With("-0.0001", "toIsoString"), R"("1970-01-01T00:00:00+00:00")");
  EXPECT_EQ(With("1e20", "toIsoString"), "error");
  EXPECT_EQ(With(R"("2024-07-10T10:22:29+00:00")", "getTime"), "1720606949");
  EXPECT_EQ(With(R"("2060-02-04T23:28:10.000Z")", "getTime"), "2843162890");
  EXPECT_EQ(With(R"("yesterday")", "getTime"), "error");
}

}  // namespace
}  // namespace renkei::notify::expression
