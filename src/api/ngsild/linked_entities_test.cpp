// Linked entity collection (linked_entities.hpp) against an in-memory fetch: one fetch per
// level, the bound on linked entities, containedBy, and what a flat join lists.
#include "api/ngsild/linked_entities.hpp"

#include <gtest/gtest.h>

#include <map>

namespace renkei::api::ngsild {
namespace {

core::Entity Linking(std::string id, std::vector<std::string> targets) {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"T"};
  for (std::size_t i = 0; i < targets.size(); ++i) {
    core::Attribute a;
    a.name = "rel" + std::to_string(i);
    a.kind = core::AttributeKind::kRelationship;
    a.value = boost::json::string(targets[i]);
    e.attributes.push_back(std::move(a));
  }
  return e;
}

// A -> B, C; B -> D; C -> A (back to the root); D -> nothing.
struct Graph {
  std::map<std::string, core::Entity> entities{
      {"urn:A", Linking("urn:A", {"urn:B", "urn:C"})},
      {"urn:B", Linking("urn:B", {"urn:D"})},
      {"urn:C", Linking("urn:C", {"urn:A"})},
      {"urn:D", Linking("urn:D", {})},
  };
  std::vector<std::vector<std::string>> fetches;

  EntityFetch Fetch() {
    return [this](const std::vector<std::string>& ids) -> base::Result<std::vector<core::Entity>> {
      fetches.push_back(ids);
      std::vector<core::Entity> out;
      for (const auto& id : ids) {
        if (auto it = entities.find(id); it != entities.end()) out.push_back(it->second);
      }
      return out;
    };
  }
};

std::vector<std::string> FlatIds(const LinkedEntities& linked) {
  std::vector<std::string> ids;
  for (const auto& f : linked.Flat()) ids.push_back(f.entity->id);
  return ids;
}

JoinRequest Flat(std::size_t level, std::vector<std::string> contained_by = {}) {
  return JoinRequest{JoinKind::kFlat, level, std::move(contained_by)};
}

TEST(LinkedEntities, OneFetchPerLevelAndEachEntityOnce) {
  Graph g;
  const std::vector<core::Entity> roots{g.entities.at("urn:A")};
  auto linked = LinkedEntities::Collect(roots, {}, Flat(3), 100, g.Fetch());
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(FlatIds(*linked), (std::vector<std::string>{"urn:B", "urn:C", "urn:D"}));
  ASSERT_EQ(g.fetches.size(), 2U);  // level 3 finds nothing new to fetch
  EXPECT_EQ(g.fetches[0], (std::vector<std::string>{"urn:B", "urn:C"}));
  EXPECT_EQ(g.fetches[1], (std::vector<std::string>{"urn:D"}));
}

TEST(LinkedEntities, JoinLevelBoundsTheHops) {
  Graph g;
  const std::vector<core::Entity> roots{g.entities.at("urn:A")};
  auto linked = LinkedEntities::Collect(roots, {}, Flat(1), 100, g.Fetch());
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(FlatIds(*linked), (std::vector<std::string>{"urn:B", "urn:C"}));
  EXPECT_EQ(g.fetches.size(), 1U);
}

TEST(LinkedEntities, ContainedByIsNotRetrieved) {
  Graph g;
  const std::vector<core::Entity> roots{g.entities.at("urn:A")};
  auto linked = LinkedEntities::Collect(roots, {}, Flat(2, {"urn:B"}), 100, g.Fetch());
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(FlatIds(*linked), (std::vector<std::string>{"urn:C"}));
}

TEST(LinkedEntities, TooManyLinkedEntitiesIsTooManyResults) {
  Graph g;
  const std::vector<core::Entity> roots{g.entities.at("urn:A")};
  auto linked = LinkedEntities::Collect(roots, {}, Flat(2), 2, g.Fetch());
  ASSERT_FALSE(linked.has_value());
  EXPECT_EQ(linked.error().code, base::ErrorCode::kTooManyResults);
}

TEST(LinkedEntities, OnlyShownRelationshipsAreFollowed) {
  Graph g;
  const std::vector<core::Entity> roots{g.entities.at("urn:A")};
  LdRenderOptions options;
  options.omit = {"rel0"};  // A's link to B
  auto linked = LinkedEntities::Collect(roots, options, Flat(2), 100, g.Fetch());
  ASSERT_TRUE(linked.has_value());
  EXPECT_EQ(FlatIds(*linked), (std::vector<std::string>{"urn:C"}));
}

TEST(LinkedEntities, JoinParameters) {
  EXPECT_EQ(ParseJoinRequest(std::nullopt, "3", std::nullopt, 5)->kind, JoinKind::kNone);
  EXPECT_EQ(ParseJoinRequest("@none", std::nullopt, std::nullopt, 5)->kind, JoinKind::kNone);
  auto inline_join = ParseJoinRequest("inline", "5", "urn:a,urn:b", 5);
  ASSERT_TRUE(inline_join.has_value());
  EXPECT_EQ(inline_join->level, 5U);
  EXPECT_EQ(inline_join->contained_by, (std::vector<std::string>{"urn:a", "urn:b"}));
  EXPECT_EQ(ParseJoinRequest("flat", std::nullopt, std::nullopt, 5)->level, 1U);
  for (auto level : {"0", "6", "-1", "1x", ""}) {
    auto bad = ParseJoinRequest("flat", level, std::nullopt, 5);
    ASSERT_FALSE(bad.has_value()) << level;
    EXPECT_EQ(bad.error().code, base::ErrorCode::kBadRequestData);
  }
  EXPECT_FALSE(ParseJoinRequest("deep", std::nullopt, std::nullopt, 5).has_value());
}

}  // namespace
}  // namespace renkei::api::ngsild
