#include "notify/ld_matcher.hpp"

#include <gtest/gtest.h>

#include "notify/matcher.hpp"

namespace renkei::notify {
namespace {

core::Attribute Prop(std::string name, boost::json::value value) {
  core::Attribute a;
  a.name = std::move(name);
  a.kind = core::AttributeKind::kProperty;
  a.value = std::move(value);
  return a;
}

core::Entity Shelter(std::vector<core::Attribute> attrs,
                     std::vector<std::string> types = {"Shelter"}) {
  core::Entity e;
  e.id = "urn:ngsi-ld:Shelter:1";
  e.types = std::move(types);
  e.attributes = std::move(attrs);
  return e;
}

store::EntityChange Change(std::optional<core::Entity> before, std::optional<core::Entity> after) {
  store::EntityChange c;
  c.tenant = "t";
  c.before = std::move(before);
  c.after = std::move(after);
  return c;
}

std::shared_ptr<const CompiledSubscription> Compile(LdSubscription ld,
                                                    std::vector<std::string> watched = {}) {
  Subscription sub;
  sub.id = "urn:ngsi-ld:Subscription:1";
  sub.condition_attrs = std::move(watched);
  if (ld.entities.empty()) ld.entities.push_back({std::nullopt, std::nullopt, "Shelter"});
  sub.ld = std::move(ld);
  auto c = CompiledSubscription::Compile("t", std::move(sub));
  EXPECT_TRUE(c.has_value()) << c.error().detail;
  return *c;
}

// §5.2.12: default triggers attributeCreated + attributeUpdated; a creation counts as the
// creation of its attributes; a deletion needs entityDeleted.
TEST(LdMatcher, DefaultTriggers) {
  auto sub = Compile({});
  const auto a = Shelter({Prop("occupancy", 1)});
  const auto b = Shelter({Prop("occupancy", 2)});
  auto created = Match(*sub, Change(std::nullopt, a));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->ld_trigger, LdTrigger::kAttributeCreated);
  auto updated = Match(*sub, Change(a, b));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->ld_trigger, LdTrigger::kAttributeUpdated);
  EXPECT_FALSE(Match(*sub, Change(b, std::nullopt)).has_value());
}

TEST(LdMatcher, WatchedAttributesAndDeletions) {
  LdSubscription ld;
  ld.triggers = {LdTrigger::kAttributeDeleted, LdTrigger::kEntityDeleted};
  auto sub = Compile(ld, {"name"});
  const auto both = Shelter({Prop("occupancy", 1), Prop("name", "A")});
  const auto without_name = Shelter({Prop("occupancy", 1)});
  auto deleted = Match(*sub, Change(both, without_name));
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->ld_trigger, LdTrigger::kAttributeDeleted);
  // occupancy is not watched
  EXPECT_FALSE(Match(*sub, Change(without_name, Shelter({}))).has_value());
  auto gone = Match(*sub, Change(both, std::nullopt));
  ASSERT_TRUE(gone.has_value());
  EXPECT_EQ(gone->ld_trigger, LdTrigger::kEntityDeleted);
}

TEST(LdMatcher, TypeSelectionQAndScope) {
  LdSubscription ld;
  ld.entities.push_back({std::nullopt, std::nullopt, "Shelter;Public"});
  ld.q = "occupancy>10";
  ld.scope_q = "/Wakayama/#";
  auto sub = Compile(ld);
  auto e = Shelter({Prop("occupancy", 20)}, {"Shelter", "Public"});
  e.scopes = {"/Wakayama/Shirahama"};
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, e)).has_value());
  auto low = e;
  low.attributes = {Prop("occupancy", 5)};
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, low)).has_value());
  auto one_type = e;
  one_type.types = {"Shelter"};
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, one_type)).has_value());
  auto elsewhere = e;
  elsewhere.scopes = {"/Osaka"};
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, elsewhere)).has_value());
}

TEST(LdMatcher, TimeIntervalNeverMatchesChanges) {
  LdSubscription ld;
  ld.time_interval = 5;
  auto sub = Compile(ld);
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, Shelter({Prop("occupancy", 1)}))).has_value());
}

TEST(LdMatcher, StoredTermsResolveQNames) {
  LdSubscription ld;
  ld.q = "level>1";
  ld.terms = {{"level", "https://example.org/level"}};
  auto sub = Compile(ld);
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, Shelter({Prop("https://example.org/level", 2)})))
                  .has_value());
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, Shelter({Prop("level", 2)}))).has_value());
}

}  // namespace
}  // namespace renkei::notify
