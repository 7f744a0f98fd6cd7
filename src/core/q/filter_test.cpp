// Evaluation of q/mq filters against entities, following the behaviour Orion's functional
// tests assert (1129_strings_in_q_uri_param, 1039_ngsiv2_date_support, 1156_*_and_compounds,
// 0876_*_dates) and the Orion API manual, "Simple Query Language".
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/q/filter.hpp"

namespace renkei::core::q {
namespace {

Attribute Attr(std::string name, std::string type, std::string_view json_value) {
  Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.value = boost::json::parse(json_value);
  return a;
}

base::Timestamp At(std::string_view iso) { return *base::ParseIso8601(iso); }

Entity MakeEntity(std::vector<Attribute> attributes) {
  Entity e;
  e.id = "E";
  e.types = {"T"};
  e.attributes = std::move(attributes);
  return e;
}

bool Q(std::string_view q, const Entity& entity) {
  auto filter = ParseV2Query(q);
  EXPECT_TRUE(filter.has_value()) << q << ": " << (filter ? "" : filter.error().detail);
  return filter && filter->Matches(entity);
}

bool Mq(std::string_view mq, const Entity& entity) {
  auto filter = ParseV2MetadataQuery(mq);
  EXPECT_TRUE(filter.has_value()) << mq << ": " << (filter ? "" : filter.error().detail);
  return filter && filter->Matches(entity);
}

TEST(QFilterTest, EmptyFilterMatchesEverything) { EXPECT_TRUE(Filter().Matches(MakeEntity({}))); }

TEST(QFilterTest, EqualityIsTypeStrict) {
  // strings_in_q_uri_param.test: S:'123' finds the string, S:123 the number.
  const Entity text = MakeEntity({Attr("S", "Text", R"("123")")});
  const Entity number = MakeEntity({Attr("S", "Number", "123")});
  EXPECT_TRUE(Q("S:'123'", text));
  EXPECT_FALSE(Q("S:'123'", number));
  EXPECT_TRUE(Q("S==123", number));
  EXPECT_FALSE(Q("S==123", text));
  EXPECT_TRUE(Q("S:121,123,125", number));
  EXPECT_FALSE(Q("S:121,122,124", number));
  EXPECT_TRUE(Q("S:'121','123'", text));
  EXPECT_FALSE(Q("S:'121','122','124'", text));
  EXPECT_TRUE(Q("S==123.0", number));
}

TEST(QFilterTest, NumbersCompareNumerically) {
  const Entity e = MakeEntity({Attr("t", "Number", "21.5"), Attr("n", "Number", "-3")});
  EXPECT_TRUE(Q("t>21", e));
  EXPECT_FALSE(Q("t>21.5", e));
  EXPECT_TRUE(Q("t>=21.5", e));
  EXPECT_TRUE(Q("t<100", e));  // 100 > 21.5 numerically, though "100" < "21.5" as text
  EXPECT_FALSE(Q("t<21.5", e));
  EXPECT_TRUE(Q("t<=21.5", e));
  EXPECT_TRUE(Q("n<-2", e));
  EXPECT_TRUE(Q("t!=21", e));
  EXPECT_FALSE(Q("t!=21.5", e));
  // Type bracketing: a string bound never matches a number.
  EXPECT_FALSE(Q("t>abc", e));
  EXPECT_FALSE(Q("t<abc", e));
}

TEST(QFilterTest, StringsCompareLexicographically) {
  const Entity e = MakeEntity({Attr("name", "Text", R"("beta")")});
  EXPECT_TRUE(Q("name>alpha", e));
  EXPECT_FALSE(Q("name>gamma", e));
  EXPECT_TRUE(Q("name<=beta", e));
  EXPECT_TRUE(Q("name>=beta", e));
  EXPECT_TRUE(Q("name<beta2", e));
  EXPECT_FALSE(Q("name>5", e));
  EXPECT_TRUE(Q("name==beta", e));
  EXPECT_TRUE(Q("name!=alpha", e));
  EXPECT_TRUE(Q("name!=5", e));  // differs from a number
}

TEST(QFilterTest, BooleanAndNull) {
  const Entity e = MakeEntity({Attr("on", "Boolean", "true"), Attr("none", "None", "null"),
                               Attr("s", "Text", R"("true")")});
  EXPECT_TRUE(Q("on==true", e));
  EXPECT_FALSE(Q("on==false", e));
  EXPECT_TRUE(Q("on!=false", e));
  EXPECT_FALSE(Q("s==true", e));  // the string "true" is not the boolean
  EXPECT_TRUE(Q("s=='true'", e));
  EXPECT_TRUE(Q("none==null", e));
  EXPECT_FALSE(Q("on==null", e));
  EXPECT_TRUE(Q("on!=null", e));
  EXPECT_FALSE(Q("none!=null", e));
  EXPECT_TRUE(Q("none==x,null", e));
  EXPECT_FALSE(Q("none!=x,null", e));
  EXPECT_FALSE(Q("absent==null", e));
}

TEST(QFilterTest, Lists) {
  const Entity black = MakeEntity({Attr("color", "Text", R"("black")")});
  const Entity white = MakeEntity({Attr("color", "Text", R"("white")")});
  EXPECT_TRUE(Q("color==black,red", black));
  EXPECT_FALSE(Q("color==black,red", white));
  EXPECT_FALSE(Q("color!=black,red", black));
  EXPECT_TRUE(Q("color!=black,red", white));
  const Entity comma = MakeEntity({Attr("color", "Text", R"("light,green")")});
  EXPECT_TRUE(Q("color=='light,green','deep,blue'", comma));
  EXPECT_FALSE(Q("color==light,green", comma));
}

TEST(QFilterTest, Ranges) {
  const Entity e = MakeEntity({Attr("t", "Number", "15"), Attr("s", "Text", R"("m")")});
  EXPECT_TRUE(Q("t==10..20", e));
  EXPECT_TRUE(Q("t==15..15", e));  // both ends included
  EXPECT_FALSE(Q("t==16..20", e));
  EXPECT_FALSE(Q("t!=10..20", e));
  EXPECT_TRUE(Q("t!=16..20", e));
  EXPECT_TRUE(Q("s==a..z", e));
  EXPECT_FALSE(Q("s==n..z", e));
  EXPECT_TRUE(Q("s!=n..z", e));
  EXPECT_FALSE(Q("s==1..20", e));  // number range never matches a string
  EXPECT_TRUE(Q("s!=1..20", e));
}

TEST(QFilterTest, BinaryOperatorsRequireTheAttribute) {
  const Entity e = MakeEntity({Attr("a", "Number", "1")});
  for (const char* q : {"b==1", "b!=1", "b!=1,2", "b!=1..2", "b!=x", "b>0", "b<2", "b>=0", "b<=2",
                        "b~=.", "b!=null", "b!=true"}) {
    EXPECT_FALSE(Q(q, e)) << q;
  }
}

TEST(QFilterTest, Existence) {
  const Entity e = MakeEntity({Attr("a", "Number", "1"), Attr("n", "Text", "null")});
  EXPECT_TRUE(Q("a", e));
  EXPECT_FALSE(Q("b", e));
  EXPECT_TRUE(Q("!b", e));
  EXPECT_FALSE(Q("!a", e));
  EXPECT_TRUE(Q("n", e));  // a null value still exists
}

TEST(QFilterTest, PatternMatchesAnywhereInStrings) {
  const Entity brown = MakeEntity({Attr("color", "Text", R"("brown")")});
  const Entity black = MakeEntity({Attr("color", "Text", R"("black")")});
  const Entity number = MakeEntity({Attr("color", "Number", "10")});
  EXPECT_TRUE(Q("color~=ow", brown));
  EXPECT_FALSE(Q("color~=ow", black));
  EXPECT_TRUE(Q("color~=^b.a", black));
  EXPECT_FALSE(Q("color~=^row", brown));
  EXPECT_TRUE(Q("color~=n$", brown));
  EXPECT_FALSE(Q("color~=1", number));  // only strings match patterns
  EXPECT_TRUE(Q("color~=a|o", brown));
}

TEST(QFilterTest, ConjunctionNeedsEveryStatement) {
  const Entity e = MakeEntity({Attr("a", "Number", "5"), Attr("b", "Text", R"("x")")});
  EXPECT_TRUE(Q("a>1;b==x", e));
  EXPECT_FALSE(Q("a>1;b==y", e));
  EXPECT_FALSE(Q("a>9;b==x", e));
  EXPECT_TRUE(Q("a;!c;b~=x", e));
}

TEST(QFilterTest, DateTimeAttributesCompareAsInstants) {
  // dates_in_q_uri_param.test
  const Entity e22 = MakeEntity({Attr("birthdate", "DateTime", R"("2016-02-22T10:00:00.000Z")")});
  const Entity e24 = MakeEntity({Attr("birthdate", "DateTime", R"("2016-02-24T10:00:00.000Z")")});
  const Entity text = MakeEntity({Attr("birthdate", "Text", R"("2016-02-25T10:00:00.000Z")")});
  EXPECT_TRUE(Q("birthdate==2016-02-24T10:00:00.000Z", e24));
  EXPECT_TRUE(Q("birthdate==2016-02-24T11:00:00+01:00", e24));  // same instant, other zone
  EXPECT_FALSE(Q("birthdate>2016-02-24T10:00:00.000Z", e24));
  EXPECT_TRUE(Q("birthdate<2016-02-25T10:00:00.000Z", e24));
  EXPECT_TRUE(Q("birthdate>=2016-02-23T10:00:00.000Z", e24));
  EXPECT_FALSE(Q("birthdate>=2016-02-23T10:00:00.000Z", e22));
  EXPECT_TRUE(Q("birthdate<=2016-02-23", e22));
  EXPECT_TRUE(Q("birthdate>2016-02-22", e22));
  // A quoted date is a string and does not match a DateTime ...
  EXPECT_FALSE(Q("birthdate=='2016-02-24T10:00:00.000Z'", e24));
  // ... and an unquoted date does not match a Text attribute that looks like one.
  EXPECT_FALSE(Q("birthdate==2016-02-25T10:00:00.000Z", text));
  EXPECT_TRUE(Q("birthdate=='2016-02-25T10:00:00.000Z'", text));
  // Lists and ranges of dates (dates_in_q_uri_param_lists/ranges.test).
  EXPECT_TRUE(Q("birthdate==2016-02-23T10:00:00Z,2016-02-24T10:00:00Z", e24));
  EXPECT_FALSE(Q("birthdate==2016-02-23T10:00:00Z,2016-02-25T10:00:00Z", e24));
  EXPECT_TRUE(Q("birthdate!=2016-02-23T10:00:00Z,2016-02-25T10:00:00Z", e24));
  EXPECT_TRUE(Q("birthdate==2016-02-23..2016-02-25", e24));
  EXPECT_FALSE(Q("birthdate==2016-02-23..2016-02-24", e24));
  EXPECT_TRUE(Q("birthdate!=2016-02-23..2016-02-24", e24));
  // ISO8601 is Orion's alternative name for the DateTime type.
  const Entity alt = MakeEntity({Attr("d", "ISO8601", R"("2020-01-01T00:00:00Z")")});
  EXPECT_TRUE(Q("d>2019-12-31", alt));
}

TEST(QFilterTest, NumberAgainstDateTimeUsesEpochSeconds) {
  // Orion stores DateTime values as seconds since the epoch, so numbers compare to those.
  const Entity e = MakeEntity({Attr("d", "DateTime", R"("1970-01-01T00:01:40Z")")});
  EXPECT_TRUE(Q("d==100", e));
  EXPECT_TRUE(Q("d>99.5", e));
  EXPECT_FALSE(Q("d~=1970", e));  // no longer a string
}

TEST(QFilterTest, BuiltinEntityDates) {
  Entity e = MakeEntity({Attr("dateModified", "Text", R"("2050-01-01")")});
  e.created_at = At("2018-01-01T00:00:00Z");
  e.modified_at = At("2019-01-01T00:00:00Z");
  EXPECT_TRUE(Q("dateCreated<2018-06-01", e));
  EXPECT_TRUE(Q("dateCreated==2018-01-01T00:00:00.000Z", e));
  EXPECT_FALSE(Q("dateCreated>2018-06-01", e));
  // Manual, "User attributes or metadata matching builtin name": filters use the builtin.
  EXPECT_FALSE(Q("dateModified>2049-12-31", e));
  EXPECT_TRUE(Q("dateModified>2018-12-31", e));
  // Existence looks for a user attribute of that name.
  EXPECT_TRUE(Q("dateModified", e));
  EXPECT_FALSE(Q("dateCreated", e));
}

TEST(QFilterTest, DateExpiresFromTheEntity) {
  Entity e = MakeEntity({});
  e.expires_at = At("2030-01-01T00:00:00Z");
  EXPECT_TRUE(Q("dateExpires>2029-12-31", e));
  EXPECT_TRUE(Q("dateExpires", e));
  EXPECT_FALSE(Q("dateExpires", MakeEntity({})));
}

TEST(QFilterTest, CompoundPaths) {
  // qfilters_and_compounds_*.test
  const Entity e = MakeEntity({Attr("A", "StructuredValue", R"({
      "B": {"C": 1.5, "D": "str", "E": true, "F": null, "G": {"H": 7}},
      "a.b": {"c": "dotted"},
      "L": [1, 2, 3]
    })")});
  EXPECT_TRUE(Q("A.B.C==1.5", e));
  EXPECT_TRUE(Q("A.B.C>1", e));
  EXPECT_TRUE(Q("A.B.C<2", e));
  EXPECT_TRUE(Q("A.B.D==str", e));
  EXPECT_TRUE(Q("A.B.D~=^s", e));
  EXPECT_TRUE(Q("A.B.E==true", e));
  EXPECT_TRUE(Q("A.B.F==null", e));
  EXPECT_TRUE(Q("A.B.G.H==7", e));
  EXPECT_TRUE(Q("A.B.G.H!=8", e));
  EXPECT_FALSE(Q("A.B.X!=8", e));  // != needs the property to exist
  EXPECT_TRUE(Q("A.B.G", e));
  EXPECT_TRUE(Q("A.B.F", e));
  EXPECT_FALSE(Q("A.B.X", e));
  EXPECT_TRUE(Q("!A.B.X", e));
  EXPECT_FALSE(Q("!A.B.C", e));
  EXPECT_TRUE(Q("!Z.B", e));
  EXPECT_TRUE(Q("A.'a.b'.c==dotted", e));
  EXPECT_FALSE(Q("A.a.b.c==dotted", e));
  EXPECT_FALSE(Q("A.B==1.5", e));    // an object is not a scalar
  EXPECT_FALSE(Q("A.B.D.x==1", e));  // cannot step into a string
}

TEST(QFilterTest, ArraysMatchWhenAnyElementDoes) {
  // Manual: "or include the value in case the target property value is an array".
  const Entity e =
      MakeEntity({Attr("tags", "StructuredValue", R"(["red", "green"])"),
                  Attr("nums", "StructuredValue", "[1, 5, 9]"),
                  Attr("items", "StructuredValue", R"({"list": [{"k": "a"}, {"k": "b"}]})"),
                  Attr("empty", "StructuredValue", "[]")});
  EXPECT_TRUE(Q("tags==red", e));
  EXPECT_TRUE(Q("tags==blue,green", e));
  EXPECT_FALSE(Q("tags==blue", e));
  EXPECT_FALSE(Q("tags!=red", e));
  EXPECT_TRUE(Q("tags!=blue", e));
  EXPECT_FALSE(Q("tags!=blue,green", e));
  EXPECT_TRUE(Q("tags~=ee", e));
  EXPECT_TRUE(Q("nums>8", e));
  EXPECT_FALSE(Q("nums>9", e));
  EXPECT_TRUE(Q("nums==4..6", e));
  EXPECT_FALSE(Q("nums!=4..6", e));
  EXPECT_TRUE(Q("items.list.k==b", e));
  EXPECT_TRUE(Q("items.list.1.k==b", e));
  EXPECT_FALSE(Q("items.list.0.k==b", e));
  EXPECT_TRUE(Q("nums.2==9", e));
  EXPECT_TRUE(Q("empty", e));
  EXPECT_TRUE(Q("empty!=1", e));
  EXPECT_FALSE(Q("empty==1", e));
}

TEST(MqFilterTest, MetadataValues) {
  Attribute temperature = Attr("temperature", "Number", "20");
  temperature.metadata = {Attr("accuracy", "Number", "0.8"), Attr("unit", "Text", R"("C")"),
                          Attr("m.x", "Text", R"("dotted")"),
                          Attr("at", "DateTime", R"("2020-05-01T00:00:00Z")"),
                          Attr("info", "StructuredValue", R"({"a": {"b": 3}, "on": false})")};
  temperature.created_at = At("2020-01-01T00:00:00Z");
  temperature.modified_at = At("2021-01-01T00:00:00Z");
  const Entity e = MakeEntity({temperature});

  EXPECT_TRUE(Mq("temperature.accuracy>0.5", e));
  EXPECT_FALSE(Mq("temperature.accuracy>0.9", e));
  EXPECT_TRUE(Mq("temperature.accuracy==0.8", e));
  EXPECT_TRUE(Mq("temperature.unit==C", e));
  EXPECT_TRUE(Mq("temperature.unit!=F", e));
  EXPECT_TRUE(Mq("temperature.unit~=^C$", e));
  EXPECT_TRUE(Mq("temperature.'m.x'==dotted", e));
  EXPECT_TRUE(Mq("temperature.at>2020-04-30", e));
  EXPECT_TRUE(Mq("temperature.info.a.b==3", e));
  EXPECT_TRUE(Mq("temperature.info.a.b==1..3", e));
  EXPECT_TRUE(Mq("temperature.info.on==false", e));
  EXPECT_TRUE(Mq("temperature.info.a", e));
  EXPECT_FALSE(Mq("temperature.info.z", e));
  EXPECT_TRUE(Mq("!temperature.info.z", e));
  EXPECT_TRUE(Mq("temperature.unit", e));
  EXPECT_FALSE(Mq("temperature.other", e));
  EXPECT_TRUE(Mq("!temperature.other", e));
  EXPECT_TRUE(Mq("!pressure.unit", e));
  EXPECT_FALSE(Mq("pressure.unit!=F", e));
  EXPECT_FALSE(Mq("temperature.other!=F", e));
  // Builtin metadata dates (0876_attribute_dates/filter_attr_dates.test).
  EXPECT_TRUE(Mq("temperature.dateCreated<2020-06-01", e));
  EXPECT_TRUE(Mq("temperature.dateModified>2020-06-01", e));
  EXPECT_FALSE(Mq("temperature.dateCreated", e));  // no user metadata of that name
  EXPECT_TRUE(Mq("temperature.accuracy>0.5;temperature.unit==C", e));
  EXPECT_FALSE(Mq("temperature.accuracy>0.5;temperature.unit==F", e));
}

TEST(QFilterTest, OrNodesAndHandBuiltPatterns) {
  // NGSI-LD will build Or nodes and patterns without the v2 parser.
  const Entity e = MakeEntity({Attr("a", "Number", "1"), Attr("s", "Text", R"("hello")")});
  auto make = [](Operator op, std::string attribute, Literal value) {
    auto node = std::make_shared<Node>();
    node->condition.path.attribute = std::move(attribute);
    node->condition.op = op;
    node->condition.values.push_back(std::move(value));
    return node;
  };
  Literal two;
  two.kind = Literal::Kind::kNumber;
  two.number = 2;
  Literal one = two;
  one.number = 1;
  Literal pattern;
  pattern.kind = Literal::Kind::kString;
  pattern.text = "l+o$";

  auto or_node = std::make_shared<Node>();
  or_node->kind = Node::Kind::kOr;
  or_node->children = {make(Operator::kEqual, "a", two), make(Operator::kEqual, "a", one)};
  EXPECT_TRUE(Filter(or_node).Matches(e));

  auto none = std::make_shared<Node>();
  none->kind = Node::Kind::kOr;
  none->children = {make(Operator::kEqual, "a", two)};
  EXPECT_FALSE(Filter(none).Matches(e));

  EXPECT_TRUE(Filter(make(Operator::kMatchPattern, "s", pattern)).Matches(e));
}

TEST(QFilterTest, SharedFilterIsUsableFromManyEntities) {
  auto filter = ParseV2Query("a>1");
  ASSERT_TRUE(filter);
  const Filter copy = *filter;  // copies share the immutable tree
  EXPECT_EQ(copy.root(), filter->root());
  EXPECT_TRUE(copy.Matches(MakeEntity({Attr("a", "Number", "2")})));
  EXPECT_FALSE(copy.Matches(MakeEntity({Attr("a", "Number", "0")})));
}

}  // namespace
}  // namespace renkei::core::q

namespace renkei::core::q {
namespace {

TEST(QFilterTest, ServicePathIsABuiltinAttribute) {
  // 2877_return_ServicePath_in_entity_response: q=servicePath:/Madrid/A
  Entity e = MakeEntity({});
  e.service_path = "/Madrid/A";
  EXPECT_TRUE(Q("servicePath:/Madrid/A", e));
  EXPECT_FALSE(Q("servicePath:/Madrid/B", e));
}

}  // namespace
}  // namespace renkei::core::q
