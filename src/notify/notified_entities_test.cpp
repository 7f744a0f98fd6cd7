#include "notify/notified_entities.hpp"

#include <gtest/gtest.h>

namespace renkei::notify {
namespace {

core::Entity Vitals(std::string id, boost::json::value owner) {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"Vitals", "https://example.org/Health"};
  e.service_path = "/town";
  core::Attribute heart;
  heart.name = "heartRate";
  heart.value = 72;
  e.attributes.push_back(heart);
  core::Attribute who;
  who.name = std::string(core::kOwnerAttribute);
  who.value = std::move(owner);
  e.attributes.push_back(who);
  return e;
}

TEST(NotifiedEntities, KeepWhatTheRecheckNeedsAndNothingElse) {
  std::vector<core::Entity> entities{Vitals("v1", "resident-1"),
                                     Vitals("v2", boost::json::value{{"id", "r2"}})};
  entities.push_back(core::Entity{});
  entities.back().id = "plain";
  entities.back().types = {"Shelter"};
  auto back = DecodeNotifiedEntities(EncodeNotifiedEntities(entities));
  ASSERT_TRUE(back.has_value()) << back.error().detail;
  ASSERT_EQ(back->size(), 3u);
  const core::Entity& first = (*back)[0];
  EXPECT_EQ(first.id, "v1");
  EXPECT_EQ(first.types, entities[0].types);
  EXPECT_EQ(first.service_path, "/town");
  EXPECT_EQ(first.Find("heartRate"), nullptr) << "values stay in the rendered body only";
  ASSERT_NE(first.Find(core::kOwnerAttribute), nullptr);
  EXPECT_EQ(first.Find(core::kOwnerAttribute)->value, boost::json::value("resident-1"));
  EXPECT_EQ((*back)[1].Find(core::kOwnerAttribute)->value, (boost::json::value{{"id", "r2"}}));
  EXPECT_TRUE((*back)[2].attributes.empty()) << "no owner attribute, none made up";
  EXPECT_EQ((*back)[2].PrimaryType(), "Shelter");
}

TEST(NotifiedEntities, RowsFromBeforeTheColumnAndCorruptText) {
  auto none = DecodeNotifiedEntities("");
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_FALSE(DecodeNotifiedEntities("{").has_value());
  EXPECT_FALSE(DecodeNotifiedEntities(R"({"id":"x"})").has_value());
  EXPECT_FALSE(DecodeNotifiedEntities(R"([1])").has_value());
}

}  // namespace
}  // namespace renkei::notify
