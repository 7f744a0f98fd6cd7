#include "service/update_operators.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace renkei::service {
namespace {

namespace json = boost::json;

json::value Apply(const char* op, const char* previous, bool datetime = false) {
  std::optional<json::value> prev;
  if (previous != nullptr) prev = json::parse(previous);
  auto r = ApplyUpdateOperator(json::parse(op), prev, datetime);
  EXPECT_TRUE(r.has_value()) << op;
  if (!r || !r->has_value()) return json::value("<nothing>");
  return **r;
}

TEST(UpdateOperators, RecognisesOnlySingleOperatorObjects) {
  EXPECT_TRUE(IsUpdateOperator(json::parse(R"({"$inc":1})")));
  EXPECT_TRUE(IsUpdateOperator(json::parse(R"({"$set":{"a":1},"$unset":{"b":1}})")));
  EXPECT_FALSE(IsUpdateOperator(json::parse(R"({"$inc":1,"x":2})")));
  EXPECT_FALSE(IsUpdateOperator(json::parse(R"({"$foo":1})")));
  EXPECT_FALSE(IsUpdateOperator(json::parse("3")));
}

TEST(UpdateOperators, ArithmeticKeepsIntegersIntegral) {
  EXPECT_EQ(Apply(R"({"$inc":2})", "2"), json::parse("4"));
  EXPECT_EQ(Apply(R"({"$mul":2})", "3"), json::parse("6"));
  EXPECT_EQ(Apply(R"({"$inc":0.5})", "2"), json::parse("2.5"));
  EXPECT_EQ(Apply(R"({"$min":1})", "2"), json::parse("1"));
  EXPECT_EQ(Apply(R"({"$max":10})", "2"), json::parse("10"));
  EXPECT_EQ(Apply(R"({"$max":1})", "2"), json::parse("2"));
}

TEST(UpdateOperators, ArrayOperators) {
  EXPECT_EQ(Apply(R"({"$push":3})", "[1,2,3]"), json::parse("[1,2,3,3]"));
  EXPECT_EQ(Apply(R"({"$push":{"$each":[-1,0],"$position":0}})", "[1]"), json::parse("[-1,0,1]"));
  EXPECT_EQ(Apply(R"({"$addToSet":3})", "[1,2,3]"), json::parse("[1,2,3]"));
  EXPECT_EQ(Apply(R"({"$addToSet":4})", "[1,2,3]"), json::parse("[1,2,3,4]"));
  EXPECT_EQ(Apply(R"({"$pull":2})", "[1,2,3,2]"), json::parse("[1,3]"));
  EXPECT_EQ(Apply(R"({"$pullAll":[2,3]})", "[1,2,3]"), json::parse("[1]"));
}

TEST(UpdateOperators, ObjectOperators) {
  EXPECT_EQ(Apply(R"({"$set":{"Y":20,"Z":30}})", R"({"X":1,"Y":2})"),
            json::parse(R"({"X":1,"Y":20,"Z":30})"));
  EXPECT_EQ(Apply(R"({"$unset":{"X":1}})", R"({"X":1,"Y":2})"), json::parse(R"({"Y":2})"));
  EXPECT_EQ(Apply(R"({"$set":{"Z":3},"$unset":{"X":1}})", R"({"X":1,"Y":2})"),
            json::parse(R"({"Y":2,"Z":3})"));
}

TEST(UpdateOperators, NewAttributesUseTheManualsReferences) {
  EXPECT_EQ(Apply(R"({"$inc":4})", nullptr), json::parse("4"));
  EXPECT_EQ(Apply(R"({"$mul":1000})", nullptr), json::parse("0"));
  EXPECT_EQ(Apply(R"({"$push":4})", nullptr), json::parse("[4]"));
  EXPECT_EQ(Apply(R"({"$set":{"X":1}})", nullptr), json::parse(R"({"X":1})"));
  EXPECT_EQ(Apply(R"({"$max":"2020-01-01T00:00:00.000Z"})", nullptr, true),
            json::parse(R"("2020-01-01T00:00:00.000Z")"));
  auto pulled = ApplyUpdateOperator(json::parse(R"({"$pull":1})"), std::nullopt, false);
  ASSERT_TRUE(pulled);
  EXPECT_FALSE(pulled->has_value());  // attribute not created
}

TEST(UpdateOperators, DateTimeMinMaxCompareInstants) {
  EXPECT_EQ(Apply(R"({"$min":"2025-04-15T10:59:59.000Z"})", R"("2025-04-15T11:00:00.000Z")", true),
            json::parse(R"("2025-04-15T10:59:59.000Z")"));
}

TEST(UpdateOperators, SetOfANonObjectReplacesAndUnsetOfANonObjectIsIgnored) {
  EXPECT_EQ(Apply(R"({"$set":"foo"})", R"({"X":1})"), json::parse(R"("foo")"));
  EXPECT_EQ(Apply(R"({"$set":[1,2]})", "3"), json::parse("[1,2]"));
  EXPECT_EQ(Apply(R"({"$unset":10})", R"({"X":1})"), json::parse(R"({"X":1})"));
  EXPECT_EQ(Apply(R"({"$unset":null})", R"({"X":1})"), json::parse(R"({"X":1})"));
}

TEST(UpdateOperators, SetAndUnsetOfTheSameSubKeyIsRefused) {
  auto r = ApplyUpdateOperator(json::parse(R"({"$set":{"X":20,"Z":30},"$unset":{"X":1}})"),
                               json::parse(R"({"X":1,"Y":2})"), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kBadRequestData);
}

TEST(UpdateOperators, TypeErrorsAreBadRequests) {
  auto r = ApplyUpdateOperator(json::parse(R"({"$inc":"foo"})"), json::parse("1"), false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_FALSE(ApplyUpdateOperator(json::parse(R"({"$push":1})"), json::parse("1"), false));
}

}  // namespace
}  // namespace renkei::service
