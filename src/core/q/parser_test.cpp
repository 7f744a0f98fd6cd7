// Parsing of q/mq into the AST, and Orion's error descriptions for malformed input (texts
// from Orion's functional tests, e.g. 1705_csub_cache_objects/csub_cache_objects_errors.test).
#include <gtest/gtest.h>

#include <string>

#include "core/q/filter.hpp"

namespace renkei::core::q {
namespace {

// The conditions of a parsed filter, in order.
std::vector<Condition> Conditions(const Filter& filter) {
  std::vector<Condition> out;
  const Node& root = *filter.root();
  if (root.kind == Node::Kind::kCondition) {
    out.push_back(root.condition);
  } else {
    for (const NodePtr& child : root.children) out.push_back(child->condition);
  }
  return out;
}

Condition ParseOne(std::string_view text) {
  auto filter = ParseV2Query(text);
  EXPECT_TRUE(filter.has_value()) << text << ": " << (filter ? "" : filter.error().detail);
  if (!filter) return {};
  auto conditions = Conditions(*filter);
  EXPECT_EQ(conditions.size(), 1u) << text;
  return conditions.empty() ? Condition{} : conditions.front();
}

std::string QError(std::string_view text) {
  auto filter = ParseV2Query(text);
  if (filter) return "<no error>";
  EXPECT_EQ(filter.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(filter.error().title, "BadRequest");
  return filter.error().detail;
}

std::string MqError(std::string_view text) {
  auto filter = ParseV2MetadataQuery(text);
  if (filter) return "<no error>";
  EXPECT_EQ(filter.error().code, base::ErrorCode::kBadRequestData);
  return filter.error().detail;
}

TEST(QParserTest, BinaryOperators) {
  struct Case {
    const char* text;
    Operator op;
  };
  for (const Case& c :
       {Case{"a==1", Operator::kEqual}, Case{"a:1", Operator::kEqual},
        Case{"a!=1", Operator::kNotEqual}, Case{"a>1", Operator::kGreater},
        Case{"a>=1", Operator::kGreaterEqual}, Case{"a<1", Operator::kLess},
        Case{"a<=1", Operator::kLessEqual}, Case{"a~=x", Operator::kMatchPattern}}) {
    Condition condition = ParseOne(c.text);
    EXPECT_EQ(condition.op, c.op) << c.text;
    EXPECT_EQ(condition.path.attribute, "a") << c.text;
    ASSERT_EQ(condition.values.size(), 1u) << c.text;
  }
}

TEST(QParserTest, UnaryOperators) {
  Condition exists = ParseOne("temperature");
  EXPECT_EQ(exists.op, Operator::kExists);
  EXPECT_EQ(exists.path.attribute, "temperature");
  EXPECT_TRUE(exists.values.empty());

  Condition missing = ParseOne("!temperature");
  EXPECT_EQ(missing.op, Operator::kNotExists);
  EXPECT_EQ(missing.path.attribute, "temperature");
}

TEST(QParserTest, LiteralKinds) {
  Condition number = ParseOne("a==-12.5e1");
  EXPECT_EQ(number.values[0].kind, Literal::Kind::kNumber);
  EXPECT_DOUBLE_EQ(number.values[0].number, -125);

  Condition text = ParseOne("a==hello world");
  EXPECT_EQ(text.values[0].kind, Literal::Kind::kString);
  EXPECT_EQ(text.values[0].text, "hello world");

  Condition forced = ParseOne("a=='20'");
  EXPECT_EQ(forced.values[0].kind, Literal::Kind::kString);
  EXPECT_EQ(forced.values[0].text, "20");

  Condition yes = ParseOne("a==true");
  EXPECT_EQ(yes.values[0].kind, Literal::Kind::kBool);
  EXPECT_TRUE(yes.values[0].boolean);
  EXPECT_FALSE(ParseOne("a==false").values[0].boolean);
  EXPECT_EQ(ParseOne("a=='true'").values[0].kind, Literal::Kind::kString);

  EXPECT_EQ(ParseOne("a==null").values[0].kind, Literal::Kind::kNull);

  Condition date = ParseOne("a==2016-02-24T10:00:00.000Z");
  EXPECT_EQ(date.values[0].kind, Literal::Kind::kDateTime);
  EXPECT_EQ(date.values[0].text, "2016-02-24T10:00:00.000Z");
  EXPECT_EQ(date.values[0].instant, *base::ParseIso8601("2016-02-24T10:00:00.000Z"));
  EXPECT_EQ(ParseOne("a>2016-02-24").values[0].kind, Literal::Kind::kDateTime);
  // A bare year is a number, as strtod comes before the date parser in Orion.
  EXPECT_EQ(ParseOne("a==2016").values[0].kind, Literal::Kind::kNumber);
}

TEST(QParserTest, WhitespaceAroundPartsIsIgnored) {
  Condition condition = ParseOne("  a  ==  5  ");
  EXPECT_EQ(condition.path.attribute, "a");
  EXPECT_EQ(condition.values[0].number, 5);
}

TEST(QParserTest, Lists) {
  Condition numbers = ParseOne("a==1,2,3");
  ASSERT_EQ(numbers.values.size(), 3u);
  EXPECT_EQ(numbers.values[2].number, 3);

  Condition strings = ParseOne("color!=black, red");
  ASSERT_EQ(strings.values.size(), 2u);
  EXPECT_EQ(strings.values[1].text, "red");

  // Manual: single quotes disable the special meaning of the comma.
  Condition quoted = ParseOne("color=='light,green','deep,blue'");
  ASSERT_EQ(quoted.values.size(), 2u);
  EXPECT_EQ(quoted.values[0].text, "light,green");
  EXPECT_EQ(quoted.values[1].text, "deep,blue");

  Condition with_null = ParseOne("a==x,null");
  ASSERT_EQ(with_null.values.size(), 2u);
  EXPECT_EQ(with_null.values[1].kind, Literal::Kind::kNull);

  Condition dates = ParseOne("a==2016-01-01,2017-01-01");
  EXPECT_EQ(dates.values[1].kind, Literal::Kind::kDateTime);
}

TEST(QParserTest, Ranges) {
  Condition numbers = ParseOne("a==10..20");
  EXPECT_TRUE(numbers.values.empty());
  ASSERT_TRUE(numbers.range_low && numbers.range_high);
  EXPECT_EQ(numbers.range_low->number, 10);
  EXPECT_EQ(numbers.range_high->number, 20);

  Condition strings = ParseOne("a!=alpha..omega");
  EXPECT_EQ(strings.op, Operator::kNotEqual);
  EXPECT_EQ(strings.range_low->text, "alpha");

  Condition dates = ParseOne("a==2016-02-23T00:00:00Z..2016-02-24T00:00:00Z");
  EXPECT_EQ(dates.range_low->kind, Literal::Kind::kDateTime);
  EXPECT_EQ(dates.range_high->kind, Literal::Kind::kDateTime);

  Condition decimals = ParseOne("a==0.5..1.5");
  EXPECT_EQ(decimals.range_low->number, 0.5);
  EXPECT_EQ(decimals.range_high->number, 1.5);

  // `..` inside quotes is literal (manual: quotes disable separators).
  Condition literal = ParseOne("a=='x..y'");
  EXPECT_FALSE(literal.range_low);
  EXPECT_EQ(literal.values[0].text, "x..y");
}

TEST(QParserTest, DottedAndQuotedPaths) {
  Condition dotted = ParseOne("brand.name.first==x");
  EXPECT_EQ(dotted.path.attribute, "brand");
  EXPECT_FALSE(dotted.path.metadata);
  EXPECT_EQ(dotted.path.compound, (std::vector<std::string>{"name", "first"}));

  // Manual: `'a.b'.w.'x.y'` is the three tokens a.b, w and x.y.
  Condition quoted = ParseOne("'a.b'.w.'x.y'==1");
  EXPECT_EQ(quoted.path.attribute, "a.b");
  EXPECT_EQ(quoted.path.compound, (std::vector<std::string>{"w", "x.y"}));

  Condition exists = ParseOne("a.'b.c'");
  EXPECT_EQ(exists.op, Operator::kExists);
  EXPECT_EQ(exists.path.compound, (std::vector<std::string>{"b.c"}));

  // Operators inside quotes are skipped, but the name is still checked for forbidden chars.
  EXPECT_EQ(QError("'a==b'==1"), "invalid character found in URI param /q/");
  EXPECT_EQ(ParseOne("'a:b'==1").path.attribute, "a:b");
}

TEST(QParserTest, ConjunctionBuildsAndNode) {
  auto filter = ParseV2Query("a>10;b==abc;!c;d");
  ASSERT_TRUE(filter);
  EXPECT_EQ(filter->root()->kind, Node::Kind::kAnd);
  auto conditions = Conditions(*filter);
  ASSERT_EQ(conditions.size(), 4u);
  EXPECT_EQ(conditions[1].values[0].text, "abc");
  EXPECT_EQ(conditions[2].op, Operator::kNotExists);
  EXPECT_EQ(conditions[3].op, Operator::kExists);
}

TEST(QParserTest, TrailingSemicolonIsTolerated) {
  // Orion issue #2086 (allow_trailing_semicolon.test).
  auto filter = ParseV2Query("humidity:567;");
  ASSERT_TRUE(filter);
  EXPECT_EQ(Conditions(*filter).size(), 1u);
  EXPECT_TRUE(ParseV2Query(";a==1"));
}

TEST(QParserTest, OrionsCompleteExampleParses) {
  // syntax_check_for_q_uri_param.test, step 01.
  auto filter = ParseV2Query(
      "a>10;b==abc;c==1..4;d!=0..4;f==1970-04-26T17:46:40.000Z;"
      "g!=2014-04-26T17:46:40.000Z..2015-04-26T17:46:40.000Z;h==1,2,3,4,5;i==a,b,c;"
      "i!=2007-04-05T14:00:00.000Z,2008-04-05T14:00:00.000Z");
  ASSERT_TRUE(filter);
  EXPECT_EQ(Conditions(*filter).size(), 9u);
}

TEST(QParserTest, PatternIsCompiledOnce) {
  // `(` is one of Orion's forbidden URL characters, even in patterns.
  EXPECT_EQ(QError("color~=^(ow|ack)$"), "forbidden characters in String Filter");
  Condition ok = ParseOne("color~=ow.*|^bl");
  ASSERT_NE(ok.pattern, nullptr);
  EXPECT_EQ(ok.values[0].text, "ow.*|^bl");
  // Bare strings with `=` would be forbidden, but a pattern keeps `.` `*` `|` `^`.
  EXPECT_EQ(QError("color~=a=b"), "forbidden characters in String Filter");
}

TEST(QParserTest, EqualityIgnoresCompiledPattern) {
  Condition a = ParseOne("c~=x");
  Condition b = ParseOne("c~=x");
  EXPECT_NE(a.pattern, b.pattern);
  EXPECT_EQ(a, b);
}

TEST(QParserTest, EmptyQueryErrors) {
  EXPECT_EQ(QError(""), "empty q");
  EXPECT_EQ(QError(";"), "empty q");
  EXPECT_EQ(QError(";;"), "empty q-item");
  EXPECT_EQ(QError("a==55;;"), "empty q-item");
  EXPECT_EQ(QError("type;;"), "empty q-item");
  EXPECT_EQ(QError("a==12;   "), "empty q-item");
  EXPECT_EQ(QError("   "), "empty q-item (only whitespace)");
  EXPECT_EQ(QError("a==1; ;b"), "empty q-item (only whitespace)");
}

TEST(QParserTest, MissingSideErrors) {
  for (const char* text : {"A1==", "A1!=", "A1>", "A1<", "A1>=", "A1<=", "A1~=", "!", "a>"}) {
    EXPECT_EQ(QError(text), "empty right-hand-side in q-item") << text;
  }
  for (const char* text : {"==12", ">12", "<12", ">=12", "<=12", ":5", "~=x"}) {
    EXPECT_EQ(QError(text), "empty left-hand-side in q-item") << text;
  }
  // A leading `!` always means "not exists", so `!=12` tests an attribute named "=12".
  EXPECT_EQ(QError("!=12"), "invalid character found in URI param /q/");
}

TEST(QParserTest, InvalidCharacterErrors) {
  EXPECT_EQ(QError("a()==12"), "invalid character found in URI param /q/");
  EXPECT_EQ(MqError("a.m()==12"), "invalid character found in URI param /mq/");
  // invalid_chars_in_q_at_sub_creation.test
  EXPECT_EQ(QError("house<flat>"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("house==flat>"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("house==flat,flat>"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("house==flat..flat>"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("house'flat'"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("a==house'flat'"), "forbidden characters in String Filter");
  EXPECT_EQ(QError("a==b=c"), "forbidden characters in String Filter");
  // A single `=` is no operator, so the whole statement is a name with a forbidden `=`.
  EXPECT_EQ(QError("a=b"), "invalid character found in URI param /q/");
}

TEST(QParserTest, QuotedStringErrors) {
  // query_with_q_and_string_values.test, steps 08 and 09.
  EXPECT_EQ(QError("A1=='10'x"), "non-terminated forced string");
  EXPECT_EQ(QError("A1=='10'x'"), "quote in forced string");
  EXPECT_EQ(QError("A1=='10"), "non-terminated forced string");
  EXPECT_EQ(QError("a=='x;y'"), "non-terminated forced string");  // `;` splits first
}

TEST(QParserTest, RangeErrors) {
  EXPECT_EQ(QError("a>10..20"), "ranges only valid for equal and not equal ops");
  EXPECT_EQ(QError("a~=10..20"), "<no error>");  // a pattern is never a range
  EXPECT_EQ(QError("a==10.."), "empty item in range");
  EXPECT_EQ(QError("a==..20"), "empty item in range");
  EXPECT_EQ(QError("a==true..20"), "invalid data type for /range-from/");
  EXPECT_EQ(QError("a==10..null"), "invalid data type for /range-to/");
  EXPECT_EQ(QError("a==10..string"), "invalid range: types mixed");
  EXPECT_EQ(QError("a==2016-01-01..20"), "invalid range: types mixed");
  EXPECT_EQ(QError("a==1..3,5"), "invalid range: types mixed");
}

TEST(QParserTest, ListErrors) {
  EXPECT_EQ(QError("a<1,2"), "lists only valid for equal and not equal ops");
  EXPECT_EQ(QError("a>'x,y'"), "lists only valid for equal and not equal ops");
  EXPECT_EQ(QError("a!=true,false"), "invalid JSON value type in list");
  EXPECT_EQ(QError("a!=1,null"), "invalid JSON value type in list");
  EXPECT_EQ(QError("a!=1,str"), "invalid JSON value type in list");
  EXPECT_EQ(QError("a==x,1"), "invalid JSON value type in list");
  EXPECT_EQ(QError("a==1,2016-01-01"), "invalid JSON value type in list");
  EXPECT_EQ(QError("a!=1,"), "empty item in list");
  EXPECT_EQ(QError("a==,1"), "empty item in list");
  EXPECT_EQ(QError("a==1, ,2"), "empty item in list");
  EXPECT_EQ(QError("a=='x','"), "<no error>");  // a lone quote is the empty string, as in Orion
}

TEST(QParserTest, ValueTypeNotSupportedForOperator) {
  EXPECT_EQ(QError("a>true"), "values of type /Bool/ not supported for operator /GreaterThan/");
  EXPECT_EQ(QError("a<=null"),
            "values of type /Null/ not supported for operator /LessThanOrEqual/");
  EXPECT_EQ(QError("a>=false"),
            "values of type /Bool/ not supported for operator /GreaterThanOrEqual/");
  EXPECT_EQ(QError("a<null"), "values of type /Null/ not supported for operator /LessThan/");
  EXPECT_EQ(QError("a>abc"), "<no error>");
}

TEST(QParserTest, InvalidRegex) {
  EXPECT_EQ(QError("a~=[abc"), "error compiling filter regex: '[abc'");
  EXPECT_EQ(QError("a~=*x"), "error compiling filter regex: '*x'");
}

TEST(QParserTest, FirstErrorWins) {
  EXPECT_EQ(QError("a==1;b>true;c==,"),
            "values of type /Bool/ not supported for operator /GreaterThan/");
}

TEST(MqParserTest, MetadataPaths) {
  auto filter = ParseV2MetadataQuery("temperature.accuracy>0.5;A.'m.x'.sub.'k.l'==3;A.md");
  ASSERT_TRUE(filter);
  auto conditions = Conditions(*filter);
  ASSERT_EQ(conditions.size(), 3u);
  EXPECT_EQ(conditions[0].path.attribute, "temperature");
  EXPECT_EQ(conditions[0].path.metadata, "accuracy");
  EXPECT_TRUE(conditions[0].path.compound.empty());
  EXPECT_EQ(conditions[1].path.attribute, "A");
  EXPECT_EQ(conditions[1].path.metadata, "m.x");
  EXPECT_EQ(conditions[1].path.compound, (std::vector<std::string>{"sub", "k.l"}));
  EXPECT_EQ(conditions[2].op, Operator::kExists);
  EXPECT_EQ(conditions[2].path.metadata, "md");
}

TEST(MqParserTest, Errors) {
  EXPECT_EQ(MqError(""), "empty q");
  EXPECT_EQ(MqError("A"), "no metadata in right-hand-side of q-item");
  EXPECT_EQ(MqError("!A"), "no metadata in right-hand-side of q-item");
  EXPECT_EQ(MqError("A==1"), "no metadata name - not valid for metadata filters");
  EXPECT_EQ(MqError("A.==1"), "no metadata name - not valid for metadata filters");
  EXPECT_EQ(MqError(".md==1"), "no attribute name - not valid for metadata filters");
  // Name checks run after every statement parsed, so a later syntax error wins.
  EXPECT_EQ(MqError("A==1;B.m>true"),
            "values of type /Bool/ not supported for operator /GreaterThan/");
  EXPECT_EQ(MqError("A.m=="), "empty right-hand-side in q-item");
}

}  // namespace
}  // namespace renkei::core::q
