#include "notify/matcher.hpp"

#include <gtest/gtest.h>

namespace renkei::notify {
namespace {

core::Attribute Attr(std::string name, boost::json::value value, std::string type = "Number") {
  core::Attribute a;
  a.name = std::move(name);
  a.type = std::move(type);
  a.value = std::move(value);
  return a;
}

core::Entity Room(std::string id, std::vector<core::Attribute> attrs, std::string path = "/") {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"Room"};
  e.service_path = std::move(path);
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

std::shared_ptr<const CompiledSubscription> Compile(Subscription sub) {
  if (sub.entities.empty()) {
    store::EntitySelector any;
    any.id_pattern = ".*";
    sub.entities.push_back(any);
  }
  auto c = CompiledSubscription::Compile("t", std::move(sub));
  EXPECT_TRUE(c.has_value()) << c.error().detail;
  return *c;
}

TEST(Matcher, DefaultAlterationTypesAreCreateAndChange) {
  auto sub = Compile(Subscription{});
  const auto r1 = Room("R1", {Attr("t", 1)});
  const auto r1b = Room("R1", {Attr("t", 2)});
  auto created = Match(*sub, Change(std::nullopt, r1));
  ASSERT_TRUE(created.has_value());
  EXPECT_EQ(created->type, AlterationType::kEntityCreate);
  EXPECT_EQ(created->changed, std::vector<std::string>{"t"});
  auto changed = Match(*sub, Change(r1, r1b));
  ASSERT_TRUE(changed.has_value());
  EXPECT_EQ(changed->type, AlterationType::kEntityChange);
  EXPECT_FALSE(Match(*sub, Change(r1, std::nullopt)).has_value()) << "deletion not by default";
  EXPECT_FALSE(Match(*sub, Change(r1, r1)).has_value()) << "nothing changed";
}

TEST(Matcher, JexlExpressionMustGiveTrue) {
  // Orion 4555/4747: condition.jexlExpression over the attributes, id, type and metadata;
  // only the boolean true matches, a syntax error never does.
  Subscription s;
  s.jexl_expression = "A + B == 3 && type == 'Room' && metadata.A.previousValue == 1";
  auto sub = Compile(s);
  const auto before = Room("R1", {Attr("A", 1), Attr("B", 5)});
  EXPECT_TRUE(Match(*sub, Change(before, Room("R1", {Attr("A", 2), Attr("B", 1)}))));
  EXPECT_FALSE(Match(*sub, Change(before, Room("R1", {Attr("A", 2), Attr("B", 2)}))));
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, Room("R1", {Attr("A", 2), Attr("B", 1)}))))
      << "no previousValue on creation: == on undefined fails";
  s.jexl_expression = "A + B";
  EXPECT_FALSE(Match(*Compile(s), Change(before, Room("R1", {Attr("A", 2)}))))
      << "a number is not true";
  s.jexl_expression = "A == 1 &&";
  EXPECT_FALSE(Match(*Compile(s), Change(before, Room("R1", {Attr("A", 2)}))));
}

TEST(Matcher, JexlNowIsTheMatchingRoundsAndTheContextIsKept) {
  // `now` (seconds) in condition.jexlExpression is the time the change is matched at; the
  // context it was evaluated on travels with the trigger to the notification's templates.
  Subscription s;
  s.jexl_expression = "A > 0 && (0|now) >= 1700000000";
  auto sub = Compile(s);
  auto after = Room("R1", {Attr("A", 2)});
  after.modified_at = base::Timestamp{1000};  // 1970: what `now` was before a round time
  const auto change = Change(Room("R1", {Attr("A", 1)}), after);
  EXPECT_FALSE(Match(*sub, change).has_value()) << "without a round time: the entity's";
  const base::Timestamp round{1720606949000};
  auto trigger = Match(*sub, change, round);
  ASSERT_TRUE(trigger.has_value());
  ASSERT_NE(trigger->expression_context, nullptr);
  EXPECT_EQ(trigger->expression_context->now, round);
  EXPECT_EQ(trigger->expression_context->values.at("A"), boost::json::value(2));
  s.jexl_expression.clear();
  trigger = Match(*Compile(s), change, round);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->expression_context, nullptr) << "no condition: nothing built";
}

TEST(Matcher, AlterationTypesSelectDeletionAndUpdate) {
  Subscription s;
  s.alteration_types = {AlterationType::kEntityDelete, AlterationType::kEntityUpdate};
  auto sub = Compile(s);
  const auto r1 = Room("R1", {Attr("t", 1), Attr("h", 5)});
  const auto deletion = Change(r1, std::nullopt);
  auto deleted = Match(*sub, deletion);
  ASSERT_TRUE(deleted.has_value());
  EXPECT_EQ(deleted->type, AlterationType::kEntityDelete);
  EXPECT_EQ(deleted->entity->id, "R1");
  EXPECT_EQ(deleted->changed, (std::vector<std::string>{"t", "h"}));
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, r1)).has_value()) << "no entityCreate";
  auto updated = Match(*sub, Change(r1, Room("R1", {Attr("t", 1)})));
  ASSERT_TRUE(updated.has_value());
  EXPECT_EQ(updated->type, AlterationType::kEntityChange) << "named by what happened";
  EXPECT_EQ(updated->changed, std::vector<std::string>{"h"}) << "a deleted attribute changed";
  auto same = Match(*sub, Change(r1, r1));
  ASSERT_TRUE(same.has_value()) << "entityUpdate selects an update that changes nothing";
  EXPECT_EQ(same->type, AlterationType::kEntityUpdate);
}

TEST(Matcher, EntityUpdateConditionFiresOnAnAttributeWrittenWithItsOldValue) {
  Subscription s;
  s.alteration_types = {AlterationType::kEntityUpdate};
  s.condition_attrs = {"t"};
  auto sub = Compile(s);
  auto before = Room("R1", {Attr("t", 1), Attr("h", 5)});
  auto rewritten = before;
  rewritten.attributes[0].modified_at = base::Timestamp{2000};  // t written, same value
  auto trigger = Match(*sub, Change(before, rewritten));
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, AlterationType::kEntityUpdate);
  EXPECT_EQ(trigger->changed, std::vector<std::string>{"t"}) << "written: onlyChangedAttrs";
  auto other = before;
  other.attributes[1].modified_at = base::Timestamp{2000};  // only h written
  EXPECT_FALSE(Match(*sub, Change(before, other)).has_value());
  Subscription change_only;
  change_only.condition_attrs = {"t"};
  EXPECT_FALSE(Match(*Compile(change_only), Change(before, rewritten)).has_value())
      << "entityChange needs a changed value";
}

// Orion case 3389 forced_update_option step 08: a replace-all PUT under forcedUpdate writes
// availability with its old value and drops lift; a subscription on availability (default
// alteration types) is notified, as every attribute a forced update writes counts as modified.
TEST(Matcher, ForcedUpdateCountsEveryWrittenAttributeBesideARealChange) {
  Subscription s;
  s.condition_attrs = {"availability"};
  auto sub = Compile(s);
  auto before = Room("S1", {Attr("availability", 1), Attr("lift", 1)});
  auto after = Room("S1", {Attr("availability", 1)});
  after.attributes[0].modified_at = base::Timestamp{2000};  // written again, same value
  auto plain = Change(before, after);
  EXPECT_FALSE(Match(*sub, plain).has_value()) << "without forcedUpdate only lift changed";
  auto forced = plain;
  forced.forced_update = true;
  auto trigger = Match(*sub, forced);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, AlterationType::kEntityChange);
  EXPECT_EQ(trigger->changed, (std::vector<std::string>{"lift", "availability"}));
}

// Orion case 4647 fail-triggering-notification-modifying-attribute-not-in-conditions-alttype-
// entityupdate: t is written with its old value while h changes.
TEST(Matcher, EntityUpdateConditionFiresOnAnUnchangedAttributeBesideAChangedOne) {
  Subscription s;
  s.alteration_types = {AlterationType::kEntityUpdate};
  s.condition_attrs = {"t"};
  auto before = Room("R1", {Attr("t", 1), Attr("h", 5)});
  auto after = Room("R1", {Attr("t", 1), Attr("h", 6)});
  after.attributes[0].modified_at = base::Timestamp{2000};
  after.attributes[1].modified_at = base::Timestamp{2000};
  auto trigger = Match(*Compile(s), Change(before, after));
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, AlterationType::kEntityChange) << "a value changed";
  Subscription change_only;
  change_only.condition_attrs = {"t"};
  EXPECT_FALSE(Match(*Compile(change_only), Change(before, after)).has_value())
      << "entityChange matches condition.attrs against changed values only";
}

// A journal row that names what its request wrote (EntityChange::written) is taken at its
// word: an attribute rewritten within the millisecond of its previous write (nothing differs,
// not even its modification time) was written, and one whose time moved was not.
TEST(Matcher, WrittenAttributesComeFromTheJournalRowWhenItNamesThem) {
  Subscription s;
  s.alteration_types = {AlterationType::kEntityUpdate};
  s.condition_attrs = {"t"};
  auto sub = Compile(s);
  const auto room = Room("R1", {Attr("t", 1), Attr("h", 5)});
  auto same_millisecond = Change(room, room);
  same_millisecond.written = std::vector<std::string>{"t"};
  auto trigger = Match(*sub, same_millisecond);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, AlterationType::kEntityUpdate);
  EXPECT_EQ(trigger->changed, std::vector<std::string>{"t"});
  auto h_only = same_millisecond;
  h_only.written = std::vector<std::string>{"h"};
  h_only.after->attributes[0].modified_at = base::Timestamp{2000};
  EXPECT_FALSE(Match(*sub, h_only).has_value()) << "t's time moved, but the request wrote h";
  auto forced = same_millisecond;
  forced.forced_update = true;
  Subscription change_only;
  change_only.condition_attrs = {"t"};
  trigger = Match(*Compile(change_only), forced);
  ASSERT_TRUE(trigger.has_value()) << "forcedUpdate: every attribute written counts as changed";
  EXPECT_EQ(trigger->type, AlterationType::kEntityChange);
}

TEST(Matcher, OnlyChangedAttrsWithNothingToNotifyDoesNotFire) {
  Subscription s;
  s.attrs = {"h"};
  s.only_changed_attrs = true;
  auto sub = Compile(s);
  const auto r1 = Room("R1", {Attr("t", 1), Attr("h", 5)});
  EXPECT_FALSE(Match(*sub, Change(r1, Room("R1", {Attr("t", 2), Attr("h", 5)}))).has_value())
      << "only t changed, only h is notified";
  EXPECT_TRUE(Match(*sub, Change(r1, Room("R1", {Attr("t", 1), Attr("h", 6)}))).has_value());
  s.attrs = {"h", "alterationType"};
  EXPECT_TRUE(Match(*Compile(s), Change(r1, Room("R1", {Attr("t", 2), Attr("h", 5)}))))
      << "alterationType is notified whatever changed";
  s.attrs.clear();
  s.except_attrs = {"t"};
  EXPECT_FALSE(Match(*Compile(s), Change(r1, Room("R1", {Attr("t", 2), Attr("h", 5)}))));
}

TEST(Matcher, ExpiredBeforeCountsAsCreation) {
  auto sub = Compile(Subscription{});
  auto old = Room("R1", {Attr("t", 1)});
  old.expires_at = base::Timestamp{1000};
  auto fresh = Room("R1", {Attr("t", 1)});
  fresh.modified_at = base::Timestamp{2000};
  auto trigger = Match(*sub, Change(old, fresh));
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, AlterationType::kEntityCreate);
}

TEST(Matcher, SelectorsAndServicePath) {
  Subscription s;
  store::EntitySelector by_id;
  by_id.id = "R1";
  by_id.type = "Room";
  store::EntitySelector by_pattern;
  by_pattern.id_pattern = "^Car";
  by_pattern.type_pattern = "^Veh";
  s.entities = {by_id, by_pattern};
  s.service_path = "/city/#";
  auto sub = Compile(s);
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, Room("R1", {}, "/city"))).has_value());
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, Room("R1", {}, "/city/a"))).has_value());
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, Room("R1", {}, "/"))).has_value());
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, Room("R2", {}, "/city"))).has_value());
  auto car = Room("Car7", {}, "/city");
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, car)).has_value()) << "type Room is not ^Veh";
  car.types = {"Vehicle"};
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, car)).has_value());
  s.entities[1].id_pattern = "[";
  EXPECT_FALSE(CompiledSubscription::Compile("t", s).has_value()) << "an invalid regex";
}

TEST(Matcher, ConditionAttrsNeedOneOfThemChanged) {
  Subscription s;
  s.condition_attrs = {"t"};
  auto sub = Compile(s);
  const auto before = Room("R1", {Attr("t", 1), Attr("h", 1)});
  EXPECT_FALSE(Match(*sub, Change(before, Room("R1", {Attr("t", 1), Attr("h", 2)}))));
  EXPECT_TRUE(Match(*sub, Change(before, Room("R1", {Attr("t", 3), Attr("h", 1)}))));
  EXPECT_TRUE(Match(*sub, Change(before, Room("R1", {Attr("h", 1)})))) << "t deleted";
}

TEST(Matcher, MetadataChangeCountsUnlessDisabled) {
  auto with_md = Room("R1", {Attr("t", 1)});
  with_md.attributes[0].metadata.push_back(Attr("accuracy", 2));
  const auto plain = Room("R1", {Attr("t", 1)});
  Subscription s;
  EXPECT_TRUE(Match(*Compile(s), Change(plain, with_md)).has_value());
  s.notify_on_metadata_change = false;
  EXPECT_FALSE(Match(*Compile(s), Change(plain, with_md)).has_value());
}

TEST(Matcher, ExpressionFiltersTheNotifiedEntity) {
  Subscription s;
  s.q = "t>10";
  s.georel = "near;maxDistance:1000";
  s.geometry = "point";
  s.coords = "33.68,135.38";
  auto sub = Compile(s);
  auto near = Room("R1", {Attr("t", 20), Attr("loc", "33.681,135.381", "geo:point")});
  near.attributes[1].kind = core::AttributeKind::kGeoProperty;
  auto far = near;
  far.attributes[1].value = "35.0,139.0";
  auto cold = near;
  cold.attributes[0].value = 5;
  EXPECT_TRUE(Match(*sub, Change(std::nullopt, near)).has_value());
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, far)).has_value());
  EXPECT_FALSE(Match(*sub, Change(std::nullopt, cold)).has_value());
  s.q = "t>";
  EXPECT_FALSE(CompiledSubscription::Compile("t", s).has_value());
}

TEST(Matcher, ScopeFromServicePath) {
  EXPECT_TRUE(ScopeFromServicePath("/#").paths.empty());
  auto scope = ScopeFromServicePath("/a, /b/#");
  ASSERT_EQ(scope.paths.size(), 2u);
  EXPECT_EQ(scope.paths[0].path, "/a");
  EXPECT_FALSE(scope.paths[0].recursive);
  EXPECT_EQ(scope.paths[1].path, "/b");
  EXPECT_TRUE(scope.paths[1].recursive);
}

}  // namespace
}  // namespace renkei::notify
