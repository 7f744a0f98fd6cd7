#include "notify/expression/expression.hpp"

#include <string>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "notify/expression/limits.hpp"

namespace renkei::notify::expression {
namespace {

namespace json = boost::json;

const json::object& Context() {
  static const json::object context =
      json::parse(R"({"id":"E1","A":1,"B":2.5,"S":"foo","N":null,"T":true,"F":false,
                      "arr":[10,{"A1":20}],"obj":{"B1":[11,22,{"C":30}]},
                      "items":[{"b":1},{"b":34},{"c":1},{"b":"x"},{"b":4}],
                      "日本語":"ok"})")
          .as_object();
  return context;
}

// The expression's value as compact JSON, or "error" when it fails.
std::string Eval(std::string_view text) {
  auto parsed = Expression::Parse(text);
  if (!parsed) return "error";
  auto value = parsed->Evaluate(Context(), TransformEnv{});
  if (!value) return "error";
  return json::serialize(*value);
}

TEST(Expression, Literals) {
  EXPECT_EQ(Eval("1"), "1");
  EXPECT_EQ(Eval("2.5"), "2.5E0");
  EXPECT_EQ(Eval("'a\\'b'"), R"("a'b")");
  EXPECT_EQ(Eval(R"("x\"y")"), R"("x\"y")");
  EXPECT_EQ(Eval(R"('\d+')"), R"("\\d+")") << "other backslashes stay";
  EXPECT_EQ(Eval("true"), "true");
  EXPECT_EQ(Eval("false"), "false");
  EXPECT_EQ(Eval("null"), "null");
  EXPECT_EQ(Eval("[1, 'a', [true]]"), R"([1,"a",[true]])");
  EXPECT_EQ(Eval("{a: 1, 'b c': {d: null}}"), R"({"a":1,"b c":{"d":null}})");
  EXPECT_EQ(Eval("{}"), "{}");
  EXPECT_EQ(Eval("[]"), "[]");
}

TEST(Expression, NamesMembersAndIndexes) {
  EXPECT_EQ(Eval("id"), R"("E1")");
  EXPECT_EQ(Eval("arr[0] + arr[1].A1 + obj.B1[2].C"), "60");
  EXPECT_EQ(Eval("obj['B1'][1]"), "22");
  EXPECT_EQ(Eval("arr[1.7].A1"), "20") << "an index is floored";
  EXPECT_EQ(Eval("日本語"), R"("ok")");
  EXPECT_EQ(Eval("missing"), "null") << "undefined renders as null";
  EXPECT_EQ(Eval("missing.deeper[3]"), "null");
  EXPECT_EQ(Eval("arr[5]"), "null");
  EXPECT_EQ(Eval("S.length"), "null");
}

TEST(Expression, Arithmetic) {
  EXPECT_EQ(Eval("A + 1"), "2");
  EXPECT_EQ(Eval("B * 2"), "5");
  EXPECT_EQ(Eval("7 - 10"), "-3");
  EXPECT_EQ(Eval("7 / 2"), "3.5E0");
  EXPECT_EQ(Eval("7 // 2"), "3");
  EXPECT_EQ(Eval("7 % 4"), "3");
  EXPECT_EQ(Eval("2 ^ 3 ^ 2"), "512") << "right-associative";
  EXPECT_EQ(Eval("2 + 3 * 4"), "14");
  EXPECT_EQ(Eval("(2 + 3) * 4"), "20");
  EXPECT_EQ(Eval("S + 'bar'"), R"("foobar")");
  EXPECT_EQ(Eval("1 / 0"), "error") << "not a finite number";
  EXPECT_EQ(Eval("S + 1"), "error");
  EXPECT_EQ(Eval("N + 1"), "error") << "Orion case jexl_null_values";
  EXPECT_EQ(Eval("missing + 1"), "error");
  EXPECT_EQ(Eval("S * 2"), "error");
}

TEST(Expression, Comparisons) {
  EXPECT_EQ(Eval("A < 2"), "true");
  EXPECT_EQ(Eval("A <= 1"), "true");
  EXPECT_EQ(Eval("B > 3"), "false");
  EXPECT_EQ(Eval("B >= 2.5"), "true");
  EXPECT_EQ(Eval("'abc' < 'abd'"), "true");
  EXPECT_EQ(Eval("A < 'x'"), "error");
  EXPECT_EQ(Eval("A == 1"), "true");
  EXPECT_EQ(Eval("A == 1.0"), "true");
  EXPECT_EQ(Eval("S == 'foo'"), "true");
  EXPECT_EQ(Eval("arr == [10, {A1: 20}]"), "true");
  EXPECT_EQ(Eval("N == null"), "true");
  EXPECT_EQ(Eval("A != 2"), "true");
  EXPECT_EQ(Eval("A == 'x'"), "false");
  // Orion's manual, "Failsafe cases": == fails on an undefined name, != does not.
  EXPECT_EQ(Eval("missing == null"), "error");
  EXPECT_EQ(Eval("missing != null"), "false");
  EXPECT_EQ(Eval("missing != 1"), "true");
}

TEST(Expression, LogicAndConditional) {
  EXPECT_EQ(Eval("A && S"), R"("foo")");
  EXPECT_EQ(Eval("F && S"), "false");
  EXPECT_EQ(Eval("missing || 'is null'"), R"("is null")");
  EXPECT_EQ(Eval("N || 0"), "0");
  EXPECT_EQ(Eval("A || 0"), "1");
  EXPECT_EQ(Eval("'' || 0 || 'x'"), R"("x")");
  EXPECT_EQ(Eval("(missing || 0 - 1) + (A || 0 - 2)"), "0");
  EXPECT_EQ(Eval("!T"), "false");
  EXPECT_EQ(Eval("!missing"), "true");
  EXPECT_EQ(Eval("!!S"), "true");
  EXPECT_EQ(Eval("A > 0 ? 'pos' : 'neg'"), R"("pos")");
  EXPECT_EQ(Eval("(T == true) ? (0 - 1) : ((S == 'noData') ? (0 - 2) : A)"), "-1");
  EXPECT_EQ(Eval("F ? 1 : F ? 2 : 3"), "3");
  EXPECT_EQ(Eval("(N == null) ? 'is null' : N"), R"("is null")");
  EXPECT_EQ(Eval("(missing == null) ? 'is null' : missing"), "error");
  EXPECT_EQ(Eval("missing || 1 + 1"), "2") << "|| binds looser than +";
}

TEST(Expression, InAndFilters) {
  EXPECT_EQ(Eval("'oo' in S"), "true");
  EXPECT_EQ(Eval("'x' in S"), "false");
  EXPECT_EQ(Eval("10 in arr"), "true");
  EXPECT_EQ(Eval("{A1: 20} in arr"), "true");
  EXPECT_EQ(Eval("1 in S"), "error") << "a number is not a substring";
  EXPECT_EQ(Eval("'A' in A"), "error");
  // Orion case jexl_array_filtering: items without b, or where b < 5 fails, are left out.
  EXPECT_EQ(Eval("items[.b < 5]"), R"([{"b":1},{"b":4}])");
  EXPECT_EQ(Eval("items[.b != null && .b > 3]"), R"([{"b":34},{"b":4}])");
  EXPECT_EQ(Eval("items[.b < 5][1].b"), "4");
  EXPECT_EQ(Eval("S[.b < 5]"), "null");
}

TEST(Expression, Transforms) {
  EXPECT_EQ(Eval("S|uppercase"), R"("FOO")");
  EXPECT_EQ(Eval("S|uppercase|lowercase|len"), "3");
  EXPECT_EQ(Eval("'10 m/s'|split(' ')"), R"(["10","m/s"])");
  EXPECT_EQ(Eval("('10 m/s'|split(' '))[0]|parseInt"), "10");
  EXPECT_EQ(Eval("A + (3|toString)"), "error");
  EXPECT_EQ(Eval("S + (3|toString)"), R"("foo3")");
  EXPECT_EQ(Eval("{count: A + 1, sum: arr[0] + ('5'|parseInt)}"), R"({"count":2,"sum":15})");
  EXPECT_EQ(Eval("S|includes(S)"), "true");
  EXPECT_EQ(Eval("S|patatacase"), "error") << "unknown transform";
  EXPECT_EQ(Eval("S|uppercase('x')"), "error") << "wrong number of arguments";
  EXPECT_EQ(Eval("missing|typeOf"), R"("Null")");
}

TEST(Expression, SyntaxErrors) {
  // Orion case jexl_syntax_errors.
  EXPECT_EQ(Eval("arr[0]|toString|uppercase"), R"("10")");
  EXPECT_EQ(Eval("arr[0|toString"), "error");
  EXPECT_EQ(Eval("S|includes('foo)"), "error");
  EXPECT_EQ(Eval("S|includes('foo'|toString"), "error");
  EXPECT_EQ(Eval("A||-1"), "error") << "no unary minus, as Orion's known limitations";
  EXPECT_EQ(Eval("A-B:C"), "error");
  EXPECT_EQ(Eval(""), "error");
  EXPECT_EQ(Eval("1 +"), "error");
  EXPECT_EQ(Eval("(1"), "error");
  EXPECT_EQ(Eval("{a 1}"), "error");
  EXPECT_EQ(Eval("A # B"), "error");
  EXPECT_EQ(Eval("A ? 1"), "error");
  EXPECT_EQ(Eval("S|"), "error");
  EXPECT_EQ(Eval("1e5"), "error");
}

TEST(Expression, Limits) {
  EXPECT_EQ(Eval(std::string(kMaxLength + 1, '1')), "error");
  EXPECT_EQ(Eval(std::string(kMaxDepth + 1, '(') + "1" + std::string(kMaxDepth + 1, ')')), "error");
  EXPECT_EQ(Eval(std::string(kMaxDepth / 2, '(') + "1" + std::string(kMaxDepth / 2, ')')), "1");
  std::string chain = "A";
  for (std::size_t i = 0; i < kMaxDepth + 1; ++i) chain += "+1";
  EXPECT_EQ(Eval(chain), "error") << "a long operator chain is a deep tree";
  std::string members = "obj";
  for (std::size_t i = 0; i < kMaxDepth + 1; ++i) members += ".x";
  EXPECT_EQ(Eval(members), "error");
  EXPECT_EQ(Eval(std::string(kMaxDepth + 1, '!') + "A"), "error");
  // Doubling a string 25 times passes kMaxValueBytes.
  std::string doubling = "'abcdefgh'";
  for (int i = 0; i < 8; ++i) doubling = "((" + doubling + ")|replaceStr('a', 'aaaaaaaaaa'))";
  EXPECT_EQ(Eval(doubling), "error");
}

TEST(Expression, EvaluateOrNullGivesNullOnAnyFailure) {
  EXPECT_EQ(EvaluateOrNull("A + 1", Context(), {}), json::value(2));
  EXPECT_EQ(EvaluateOrNull("A +", Context(), {}), json::value(nullptr));
  EXPECT_EQ(EvaluateOrNull("missing - 1", Context(), {}), json::value(nullptr));
}

}  // namespace
}  // namespace renkei::notify::expression
