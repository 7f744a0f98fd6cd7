// Parsing of NGSI-LD q (ETSI GS CIM 009 v1.8 §4.9) into the shared Filter tree. Cases follow
// the spec's grammar and the ETSI conformance suite's q strings (TP/NGSI-LD/.../QueryEntities
// 019_09, 019_28, 019_29, 5722_01).
#include <gtest/gtest.h>

#include "core/q/ld_query.hpp"

namespace renkei::core::q {
namespace {

Filter Parse(std::string_view q) {
  auto filter = ParseLdQuery(q, IdentityTerm);
  EXPECT_TRUE(filter.has_value()) << q << ": " << (filter ? "" : filter.error().detail);
  return filter ? *filter : Filter();
}

std::string ErrorOf(std::string_view q) {
  auto filter = ParseLdQuery(q, IdentityTerm);
  EXPECT_FALSE(filter.has_value()) << q;
  if (filter) return "";
  EXPECT_EQ(filter.error().code, base::ErrorCode::kBadRequestData) << q;
  EXPECT_EQ(filter.error().title, "Invalid q");
  return filter.error().detail;
}

// A copy: the Filter passed in is usually a temporary.
Condition Only(const Filter& f) {
  if (f.empty() || f.root()->kind != Node::Kind::kCondition) {
    ADD_FAILURE() << "not a single condition";
    return Condition();
  }
  return f.root()->condition;
}

TEST(LdParserTest, ExistenceAndDialect) {
  const Filter f = Parse("temperature");
  EXPECT_EQ(f.dialect(), Dialect::kNgsiLd);
  EXPECT_EQ(Only(f).op, Operator::kExists);
  EXPECT_EQ(Only(f).path.attribute, "temperature");
  EXPECT_EQ(Only(Parse("!temperature")).op, Operator::kNotExists);
}

TEST(LdParserTest, EveryOperator) {
  const std::pair<std::string_view, Operator> cases[] = {
      {"a==1", Operator::kEqual},
      {"a!=1", Operator::kNotEqual},
      {"a>1", Operator::kGreater},
      {"a>=1", Operator::kGreaterEqual},
      {"a<1", Operator::kLess},
      {"a<=1", Operator::kLessEqual},
      {"a~=x.*", Operator::kMatchPattern},
      {"a!~=x.*", Operator::kNotMatchPattern},
  };
  for (const auto& [q, op] : cases) {
    const Condition c = Only(Parse(q));
    EXPECT_EQ(c.op, op) << q;
    EXPECT_EQ(c.path.attribute, "a") << q;
    ASSERT_EQ(c.values.size(), 1u) << q;
  }
  EXPECT_NE(Only(Parse("a~=x.*")).pattern, nullptr);
  EXPECT_NE(Only(Parse("a!~=x.*")).pattern, nullptr);
}

TEST(LdParserTest, ValueKinds) {
  EXPECT_EQ(Only(Parse("a==4")).values[0].kind, Literal::Kind::kNumber);
  EXPECT_EQ(Only(Parse("a==-4.5e2")).values[0].number, -450);
  EXPECT_EQ(Only(Parse("a==true")).values[0].kind, Literal::Kind::kBool);
  EXPECT_FALSE(Only(Parse("a==false")).values[0].boolean);
  const Literal quoted = Only(Parse(R"(name=="Eiffel Tower")")).values[0];
  EXPECT_EQ(quoted.kind, Literal::Kind::kString);
  EXPECT_EQ(quoted.text, "Eiffel Tower");
  // A quoted number stays a string.
  EXPECT_EQ(Only(Parse(R"(a=="4")")).values[0].kind, Literal::Kind::kString);
  const Literal uri = Only(Parse("locatedIn==urn:ngsi-ld:City:Pisa")).values[0];
  EXPECT_EQ(uri.kind, Literal::Kind::kString);
  EXPECT_EQ(uri.text, "urn:ngsi-ld:City:Pisa");
  const Literal date_time = Only(Parse("a>=2017-12-24T12:00:00Z")).values[0];
  EXPECT_EQ(date_time.kind, Literal::Kind::kDateTime);
  EXPECT_EQ(date_time.instant, *base::ParseIso8601("2017-12-24T12:00:00Z"));
  EXPECT_EQ(Only(Parse("a<2020-01-01")).values[0].kind, Literal::Kind::kDateTime);
  const Literal time = Only(Parse("a>12:30:00Z")).values[0];
  EXPECT_EQ(time.kind, Literal::Kind::kTime);
  EXPECT_EQ(time.instant.millis, (12 * 60 + 30) * 60 * 1000);
  // Bare words are strings (019_29_13: category==commercial is valid and simply unequal).
  EXPECT_EQ(Only(Parse("category==commercial")).values[0].text, "commercial");
}

TEST(LdParserTest, QuotedStringsKeepSpecialCharacters) {
  const Literal l = Only(Parse(R"(a=="x;y|z(1),2..3 \"q\" \\ [k]")")).values[0];
  EXPECT_EQ(l.text, R"(x;y|z(1),2..3 "q" \ [k])");
  EXPECT_EQ(Only(Parse(R"(a=="")")).values[0].text, "");
}

TEST(LdParserTest, ListsAndRanges) {
  const Condition list = Only(Parse(R"(name=="Eiffel Tower","Pisa Tower")"));
  ASSERT_EQ(list.values.size(), 2u);
  EXPECT_EQ(list.values[1].text, "Pisa Tower");
  EXPECT_EQ(Only(Parse("a!=1,2,3")).values.size(), 3u);
  const Condition range = Only(Parse("airQualityLevel==4..5"));
  ASSERT_TRUE(range.range_low && range.range_high);
  EXPECT_EQ(range.range_low->number, 4);
  EXPECT_EQ(range.range_high->number, 5);
  EXPECT_TRUE(range.values.empty());
  const Condition dates = Only(Parse("a!=2020-01-01T00:00:00Z..2021-01-01T00:00:00Z"));
  EXPECT_EQ(dates.range_low->kind, Literal::Kind::kDateTime);
  EXPECT_EQ(Only(Parse(R"(a=="a".."m")")).range_high->text, "m");
  EXPECT_EQ(Only(Parse("a==1.5..2.5")).range_low->number, 1.5);
}

TEST(LdParserTest, PrecedenceAndParentheses) {
  // `;` binds tighter than `|`: a|b;c is a|(b;c).
  const Filter f = Parse("a|b;c");
  ASSERT_EQ(f.root()->kind, Node::Kind::kOr);
  ASSERT_EQ(f.root()->children.size(), 2u);
  EXPECT_EQ(f.root()->children[0]->condition.path.attribute, "a");
  EXPECT_EQ(f.root()->children[1]->kind, Node::Kind::kAnd);
  const Filter g = Parse(R"((name=="Pisa Tower"|name=="Eiffel Tower");almostFull==false)");
  ASSERT_EQ(g.root()->kind, Node::Kind::kAnd);
  EXPECT_EQ(g.root()->children[0]->kind, Node::Kind::kOr);
  // Same-kind chains flatten; redundant parentheses vanish.
  EXPECT_EQ(Parse("a;b;(c;d)").root()->children.size(), 4u);
  EXPECT_EQ(Only(Parse("((a==1))")).path.attribute, "a");
  EXPECT_EQ(Parse("a==1 ; b==2").root()->children.size(), 2u);
}

TEST(LdParserTest, SubAttributeAndCompoundPaths) {
  const Path sub = Only(Parse("isParked.providedBy==urn:a")).path;
  EXPECT_EQ(sub.attribute, "isParked");
  EXPECT_EQ(sub.metadata, "providedBy");
  EXPECT_TRUE(sub.sub_attributes.empty());
  const Path deep = Only(Parse("a.b.c.d")).path;
  EXPECT_EQ(deep.metadata, "b");
  EXPECT_EQ(deep.sub_attributes, (std::vector<std::string>{"c", "d"}));
  const Path compound = Only(Parse(R"(address[city]=="Berlin")")).path;
  EXPECT_EQ(compound.attribute, "address");
  EXPECT_FALSE(compound.metadata);
  EXPECT_EQ(compound.compound, std::vector<std::string>{"city"});
  const Path both = Only(Parse("a.b[k1.k2]>3")).path;
  EXPECT_EQ(both.metadata, "b");
  EXPECT_EQ(both.compound, (std::vector<std::string>{"k1", "k2"}));
  EXPECT_EQ(Only(Parse(R"(color[*]=="rouge")")).path.compound, std::vector<std::string>{"*"});
}

TEST(LdParserTest, ExpanderAppliesToNamesButNotReservedOrKeys) {
  auto expand = [](std::string_view term) { return "https://ex.org/" + std::string(term); };
  auto f = ParseLdQuery("temp.accuracy.observedAt>2020-01-01;addr[city]==x;createdAt>2020-01-01",
                        expand);
  ASSERT_TRUE(f.has_value()) << f.error().detail;
  const auto& kids = f->root()->children;
  ASSERT_EQ(kids.size(), 3u);
  const Path& p0 = kids[0]->condition.path;
  EXPECT_EQ(p0.attribute, "https://ex.org/temp");
  EXPECT_EQ(p0.metadata, "https://ex.org/accuracy");
  EXPECT_EQ(p0.sub_attributes, std::vector<std::string>{"observedAt"});
  const Path& p1 = kids[1]->condition.path;
  EXPECT_EQ(p1.attribute, "https://ex.org/addr");
  EXPECT_EQ(p1.compound, std::vector<std::string>{"city"});
  EXPECT_EQ(kids[2]->condition.path.attribute, "createdAt");
  // Reserved only in the last position: `a.unitCode.x` names a sub-attribute `unitCode`.
  auto g = ParseLdQuery("a.unitCode.x", expand);
  ASSERT_TRUE(g.has_value());
  EXPECT_EQ(g->root()->condition.path.metadata, "https://ex.org/unitCode");
}

TEST(LdParserTest, PatternsQuotedOrBare) {
  EXPECT_EQ(Only(Parse(R"(name!~="^Eiffel")")).values[0].text, "^Eiffel");
  // A bare pattern keeps its own group and stops at the next term.
  const Filter f = Parse("a~=(x|y)[0-9];b");
  ASSERT_EQ(f.root()->kind, Node::Kind::kAnd);
  EXPECT_EQ(f.root()->children[0]->condition.values[0].text, "(x|y)[0-9]");
  EXPECT_EQ(Only(Parse(R"(a~="\d+|x")")).values[0].text, R"(\d+|x)");
  EXPECT_EQ(Only(Parse("a~=(?i)abc")).values[0].text, "(?i)abc");
}

TEST(LdParserTest, ConformanceSuiteStrings) {
  for (std::string_view q : {
           R"(name=="Eiffel Tower")",
           R"(name=="Pisa Tower";almostFull==false)",
           R"(name=="Pisa Tower"|almostFull==false)",
           "airQualityLevel>=4;airQualityLevel<7",
           "locatedIn==urn:ngsi-ld:City:Pisa|locatedIn==urn:ngsi-ld:City:Paris",
           "airQualityLevel!=4..5",
           R"(name!="Eiffel Tower","Big Ben")",
           R"(color[en]=="red")",
           R"(managedBy>"urn:a")",
           R"(modifiedAt>"2020-01-01T00:00:00Z")",
           "speed>100",
       }) {
    EXPECT_TRUE(ParseLdQuery(q, IdentityTerm).has_value()) << q;
  }
}

TEST(LdParserTest, BadInputIsAnErrorWithAPosition) {
  EXPECT_EQ(ErrorOf(""), "q: empty expression at position 0");
  EXPECT_EQ(ErrorOf("(a==1"), "q: missing ')' for the '(' at position 0");
  EXPECT_EQ(ErrorOf("a==1)"), "q: unbalanced ')' at position 4");
  EXPECT_EQ(ErrorOf("a==1;;b"), "q: expected a query term at position 5");
  EXPECT_EQ(ErrorOf("a==1|"), "q: expected a query term at position 5");
  EXPECT_EQ(ErrorOf("()"), "q: expected a query term at position 1");
  EXPECT_EQ(ErrorOf("a=="), "q: missing value at position 3");
  EXPECT_EQ(ErrorOf("a==;b"), "q: missing value at position 3");
  EXPECT_EQ(ErrorOf("a=1"), "q: unknown operator '=' at position 1");
  EXPECT_EQ(ErrorOf("a=>1"), "q: unknown operator '=>' at position 1");
  EXPECT_EQ(ErrorOf("==1"), "q: expected an attribute name at position 0");
  EXPECT_EQ(ErrorOf("a..b==1"), "q: empty name after '.' at position 2");
  EXPECT_EQ(ErrorOf("a[]==1"), "q: empty key in '[...]' at position 2");
  EXPECT_EQ(ErrorOf("a[b==1"), "q: missing ']' at position 3");
  EXPECT_EQ(ErrorOf(R"(a=="open)"), "q: unterminated string at position 3");
  EXPECT_EQ(ErrorOf("airQualityLevel>4..5"),
            "q: a range is only allowed after == or != at position 17");
  EXPECT_EQ(ErrorOf("a<1,2"), "q: a value list is only allowed after == or != at position 3");
  EXPECT_EQ(ErrorOf("a>true"),
            "q: '<', '<=', '>', '>=' need a number, string or date at position 2");
  EXPECT_EQ(ErrorOf("a==1..true"),
            "q: range bounds must be two numbers, strings, dates or times at position 3");
  EXPECT_EQ(ErrorOf("a==1..2020-01-01"),
            "q: range bounds must be two numbers, strings, dates or times at position 3");
  EXPECT_EQ(ErrorOf("a==1e400"), "q: number out of range at position 3");
  EXPECT_EQ(ErrorOf("a~=[x"), "q: invalid regular expression at position 3");
  EXPECT_EQ(ErrorOf("a~="), "q: missing regular expression at position 3");
  EXPECT_EQ(ErrorOf("!a==1"), "q: '!' only negates an existence test at position 2");
  EXPECT_EQ(ErrorOf("a==1 b==2"), "q: unexpected 'b' at position 5");
  EXPECT_EQ(ErrorOf(R"(owner{name}=="x")"),
            "q: linked-entity queries ('{...}') are not supported at position 5");
  std::string deep(40, '(');
  deep += "a";
  deep += std::string(40, ')');
  EXPECT_EQ(ErrorOf(deep), "q: parentheses nested too deeply at position 32");
}

}  // namespace
}  // namespace renkei::core::q
