#include "api/ngsild/member_selection.hpp"

#include <gtest/gtest.h>

namespace renkei::api::ngsild {
namespace {

using Names = std::vector<std::string>;

Names Parse(std::string_view text) {
  auto parsed = ParseMemberSelection("pick", text);
  EXPECT_TRUE(parsed.has_value()) << text << ": " << (parsed ? "" : parsed.error().detail);
  return parsed ? *parsed : Names{};
}

TEST(MemberSelection, TopLevelNamesInOrder) {
  EXPECT_EQ(Parse("name"), Names{"name"});
  EXPECT_EQ(Parse("id,type,name"), (Names{"id", "type", "name"}));
  EXPECT_EQ(Parse("ex:name,https://example.org/a#b"),
            (Names{"ex:name", "https://example.org/a#b"}));
}

TEST(MemberSelection, NestedSelectionsAreValidatedAndLeftOut) {
  EXPECT_EQ(Parse("id,locatedAt{name,address},name"), (Names{"id", "locatedAt", "name"}));
  EXPECT_EQ(Parse("a{b{c},d}"), Names{"a"});
  EXPECT_EQ(Parse("a{b}"), Names{"a"});
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
