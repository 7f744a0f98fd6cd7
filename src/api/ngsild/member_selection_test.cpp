#include "api/ngsild/member_selection.hpp"

#include <gtest/gtest.h>

namespace renkei::api::ngsild {
namespace {

using Names = std::vector<std::string>;

// The selection written back in the syntax it was parsed from.
std::string Written(const std::vector<SelectedMember>& members) {
  std::string out;
  for (const auto& m : members) {
    if (!out.empty()) out += ",";
    out += m.name;
    if (!m.nested.empty()) out += "{" + Written(m.nested) + "}";
  }
  return out;
}

Names Parse(std::string_view text) {
  auto parsed = ParseMemberSelection("pick", text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().detail);
  Names names;
  if (parsed) {
    for (const auto& m : *parsed) names.push_back(m.name);
  }
  return names;
}

std::string Tree(std::string_view text) {
  auto parsed = ParseMemberSelection("omit", text);
  EXPECT_TRUE(parsed.has_value()) << text;
  return parsed ? Written(*parsed) : "";
}

TEST(MemberSelection, TopLevelNamesInOrder) {
  EXPECT_EQ(Parse("name"), Names{"name"});
  EXPECT_EQ(Parse("id,type,name"), (Names{"id", "type", "name"}));
  EXPECT_EQ(Parse("ex:name,https://example.org/a#b"),
            (Names{"ex:name", "https://example.org/a#b"}));
}

TEST(MemberSelection, NestedSelectionsBelongToTheirMember) {
  EXPECT_EQ(Parse("id,locatedAt{name,address},name"), (Names{"id", "locatedAt", "name"}));
  EXPECT_EQ(Parse("a{b{c},d}"), Names{"a"});
  EXPECT_EQ(Tree("id,locatedAt{name,address},name"), "id,locatedAt{name,address},name");
  EXPECT_EQ(Tree("a{b{c},d},e{f}"), "a{b{c},d},e{f}");
  EXPECT_EQ(Tree("a{b{c{d}}}"), "a{b{c{d}}}");
  auto parsed = ParseMemberSelection("pick", "id,locatedAt{id,isInCountry{description}}");
  ASSERT_TRUE(parsed.has_value());
  ASSERT_EQ(parsed->size(), 2U);
  EXPECT_TRUE(parsed->at(0).nested.empty());
  ASSERT_EQ(parsed->at(1).nested.size(), 2U);
  EXPECT_EQ(parsed->at(1).nested.at(1).name, "isInCountry");
  ASSERT_EQ(parsed->at(1).nested.at(1).nested.size(), 1U);
  EXPECT_EQ(parsed->at(1).nested.at(1).nested.at(0).name, "description");
}

// The invalid expressions of the ETSI suite (018_18 / 019_18) and their neighbours.
TEST(MemberSelection, InvalidExpressionsAreBadRequestData) {
  for (std::string_view text : {"id;name", "id,locatedAt{name", "id,locatedAt{{name}", "id,,name",
                                "id,locatedAt{,name}", "id,locatedAt{}", "", ",id", "id,", "a}",
                                "a{b}}", "{a}", "a{b}c", "na me", "a(b)", "a{b,}"}) {
    auto parsed = ParseMemberSelection("pick", text);
    ASSERT_FALSE(parsed.has_value()) << "accepted: '" << text << "'";
    EXPECT_EQ(parsed.error().code, base::ErrorCode::kBadRequestData);
    EXPECT_NE(parsed.error().detail.find("pick: "), std::string::npos);
  }
}

}  // namespace
}  // namespace renkei::api::ngsild
