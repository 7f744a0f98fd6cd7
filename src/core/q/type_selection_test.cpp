// Entity type selection (ETSI GS CIM 009 v1.8 §4.17); cases from the conformance suite's
// 019_08 (Building, Parking, TouristDestination) and 019_26 (`*`).
#include <gtest/gtest.h>

#include "core/q/type_selection.hpp"

namespace renkei::core::q {
namespace {

TypeSelection Parse(std::string_view text) {
  auto selection = ParseTypeSelection(text, IdentityTerm);
  EXPECT_TRUE(selection.has_value()) << text << ": " << (selection ? "" : selection.error().detail);
  return selection ? *selection : TypeSelection(BoolExpr<std::string>{});
}

std::string ErrorOf(std::string_view text) {
  auto selection = ParseTypeSelection(text, IdentityTerm);
  EXPECT_FALSE(selection.has_value()) << text;
  if (selection) return "";
  EXPECT_EQ(selection.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(selection.error().title, "Invalid type");
  return selection.error().detail;
}

const std::vector<std::string> kBuilding = {"Building"};
const std::vector<std::string> kParking = {"Parking"};
const std::vector<std::string> kBuildingDestination = {"Building", "TouristDestination"};

std::string Matching(std::string_view text) {
  const TypeSelection s = Parse(text);
  std::string ids;
  if (s.Matches(kBuilding)) ids += "1";
  if (s.Matches(kParking)) ids += "2";
  if (s.Matches(kBuildingDestination)) ids += "3";
  return ids;
}

TEST(TypeSelectionTest, ConformanceSuiteSelections) {
  EXPECT_EQ(Matching("Building"), "13");
  EXPECT_EQ(Matching("(Building;TouristDestination)"), "3");
  EXPECT_EQ(Matching("Building,Parking"), "123");
  EXPECT_EQ(Matching("Parking,TouristDestination"), "23");
  EXPECT_EQ(Matching("(Building;Parking),TouristDestination"), "3");
  EXPECT_EQ(Matching("Building|Parking"), "123");
  EXPECT_EQ(Matching("Building;TouristDestination|Parking"), "23");  // `;` binds first
  EXPECT_EQ(Matching("*"), "123");
}

TEST(TypeSelectionTest, AnyOfForPushdown) {
  EXPECT_EQ(Parse("Building").AnyOf(), std::vector<std::string>{"Building"});
  EXPECT_EQ(Parse("A,B|(C)").AnyOf(), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_EQ(Parse("(A|B),C").AnyOf(), (std::vector<std::string>{"A", "B", "C"}));
  EXPECT_FALSE(Parse("A;B").AnyOf());
  EXPECT_FALSE(Parse("(A;B),C").AnyOf());
  EXPECT_FALSE(Parse("A,*").AnyOf());
  EXPECT_TRUE(Parse("*").MatchesAll());
  EXPECT_TRUE(Parse("A,*").MatchesAll());
  EXPECT_FALSE(Parse("A").MatchesAll());
}

TEST(TypeSelectionTest, ExpanderAppliesToEveryTypeButTheWildcard) {
  auto expand = [](std::string_view term) { return "https://ex.org/" + std::string(term); };
  auto s = ParseTypeSelection("Building,(Parking;Vehicle),*", expand);
  ASSERT_TRUE(s.has_value());
  EXPECT_TRUE(s->Matches({"https://ex.org/Building"}));
  EXPECT_EQ(s->expression().children[0].term, "https://ex.org/Building");
  EXPECT_EQ(s->expression().children[2].term, "*");
  auto t = ParseTypeSelection("Building", expand);
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->Matches({"Building"}));
}

TEST(TypeSelectionTest, BadInput) {
  EXPECT_EQ(ErrorOf(""), "type: empty expression at position 0");
  EXPECT_EQ(ErrorOf("A,"), "type: expected an entity type at position 2");
  EXPECT_EQ(ErrorOf("(A;B"), "type: missing ')' for the '(' at position 0");
  EXPECT_EQ(ErrorOf("A)"), "type: unbalanced ')' at position 1");
  EXPECT_EQ(ErrorOf("A B"), "type: unexpected 'B' at position 2");
  EXPECT_EQ(ErrorOf("A;;B"), "type: expected an entity type at position 2");
}

}  // namespace
}  // namespace renkei::core::q
