#include "service/personal_rule.hpp"

#include <gtest/gtest.h>

#include <algorithm>

namespace renkei::service {
namespace {

core::Entity Personal(std::string type, std::string owner) {
  core::Entity entity;
  entity.id = "urn:ngsi-ld:" + type + ":1";
  entity.types = {std::move(type)};
  core::Attribute attribute;
  attribute.name = "owner";
  attribute.value = owner;
  entity.attributes.push_back(std::move(attribute));
  return entity;
}

// A tenant where Vitals needs level 2 and Activity level 1; the policy lets the app
// "family-watch" read both.
RequestContext Context(auth::PrincipalKind kind, std::string subject, std::string app, int level) {
  RequestContext ctx;
  ctx.tenant = "town";
  auto principal = std::make_shared<auth::Principal>();
  principal->kind = kind;
  principal->subject = std::move(subject);
  principal->client_id = std::move(app);
  principal->tenant = "town";
  principal->assurance_level = level;
  ctx.principal = principal;
  auto permissions = std::make_shared<auth::Permissions>();
  if (principal->client_id == "family-watch") {
    permissions->Grant(auth::Action::kRead, "Vitals");
    permissions->Grant(auth::Action::kRead, "Activity");
  }
  ctx.permissions = permissions;
  auto types = std::make_shared<auth::PersonalTypes>();
  types->Declare("Vitals", 2);
  types->Declare("Activity", 1);
  ctx.personal_types = types;
  return ctx;
}

constexpr auto kBearer = auth::PrincipalKind::kBearerToken;
constexpr auto kApiKey = auth::PrincipalKind::kApiKey;

TEST(PersonalRule, TheOwnerReadsOwnDataAtTheTypesLevelOnly) {
  const auto vitals = Personal("Vitals", "resident-1");
  EXPECT_EQ(RouteFor(Context(kBearer, "resident-1", "portal", 2), vitals), PersonalRoute::kOwner);
  EXPECT_EQ(RouteFor(Context(kBearer, "resident-1", "portal", 1), vitals), PersonalRoute::kRefused);
  EXPECT_EQ(RouteFor(Context(kBearer, "resident-2", "portal", 3), vitals), PersonalRoute::kRefused);
  // An API key whose key id happens to equal the resident is not the resident.
  EXPECT_EQ(RouteFor(Context(kApiKey, "resident-1", "portal", 2), vitals), PersonalRoute::kRefused);
}

TEST(PersonalRule, AnAppNeedsTheGrantTheLevelAndThenAConsent) {
  const auto vitals = Personal("Vitals", "resident-1");
  const auto activity = Personal("Activity", "resident-1");
  EXPECT_EQ(RouteFor(Context(kBearer, "svc", "family-watch", 2), vitals), PersonalRoute::kConsent);
  EXPECT_EQ(RouteFor(Context(kBearer, "svc", "family-watch", 1), vitals), PersonalRoute::kRefused);
  EXPECT_EQ(RouteFor(Context(kBearer, "svc", "family-watch", 1), activity),
            PersonalRoute::kConsent);
  EXPECT_EQ(RouteFor(Context(kBearer, "svc", "other-app", 3), activity), PersonalRoute::kRefused);
}

TEST(PersonalRule, NoRoleBypassesTheRule) {
  auto ctx = Context(kApiKey, "rk_admin", "console", 3);
  ctx.permissions = std::make_shared<auth::Permissions>(auth::Permissions::Everything());
  // Everything granted: still only under a consent to its app.
  EXPECT_EQ(RouteFor(ctx, Personal("Vitals", "resident-1")), PersonalRoute::kConsent);
  EXPECT_TRUE(PersonalReadScopeFor(ctx).has_value());
  EXPECT_TRUE(PersonalReadScopeFor(ctx)->own_types.empty());
}

TEST(PersonalRule, EntitiesWithoutAUsableOwnerOrWithAHiddenPersonalTypeAreRefused) {
  auto no_owner = Personal("Activity", "resident-1");
  no_owner.attributes.clear();
  EXPECT_FALSE(OwnerOf(no_owner));
  EXPECT_EQ(RouteFor(Context(kBearer, "resident-1", "p", 2), no_owner), PersonalRoute::kRefused);
  auto twice = Personal("Activity", "resident-1");
  twice.attributes.push_back(twice.attributes.front());
  EXPECT_FALSE(OwnerOf(twice));
  auto number = Personal("Activity", "x");
  number.attributes.front().value = 42;
  EXPECT_FALSE(OwnerOf(number));
  auto secondary = Personal("Shelter", "resident-1");
  secondary.types.push_back("Vitals");
  EXPECT_EQ(RouteFor(Context(kBearer, "resident-1", "p", 3), secondary), PersonalRoute::kRefused);
}

TEST(PersonalRule, NothingIsCheckedWithAuthenticationOffOrForOtherTypes) {
  RequestContext off;
  EXPECT_EQ(RouteFor(off, Personal("Vitals", "resident-1")), PersonalRoute::kNotPersonal);
  EXPECT_FALSE(PersonalReadScopeFor(off));
  EXPECT_EQ(RouteFor(Context(kApiKey, "k", "a", 0), Personal("Shelter", "x")),
            PersonalRoute::kNotPersonal);
}

TEST(PersonalRule, TheStoreScopeListsWhatEachRouteMayRead) {
  const auto owner = PersonalReadScopeFor(Context(kBearer, "resident-1", "portal", 1));
  ASSERT_TRUE(owner);
  EXPECT_EQ(owner->types, (std::vector<std::string>{"Activity", "Vitals"}));
  EXPECT_EQ(owner->own_types, std::vector<std::string>{"Activity"});
  EXPECT_EQ(owner->subject, "resident-1");
  EXPECT_TRUE(owner->consent_types.empty());
  const auto app = PersonalReadScopeFor(Context(kBearer, "svc", "family-watch", 2));
  ASSERT_TRUE(app);
  EXPECT_EQ(app->consent_types, (std::vector<std::string>{"Activity", "Vitals"}));
  EXPECT_EQ(app->app, "family-watch");
  EXPECT_EQ(app->tenant, "town");
}

TEST(PersonalRule, ResidentsManageOnlyTheirOwnEntities) {
  const auto ctx = Context(kBearer, "resident-1", "portal", 2);
  EXPECT_TRUE(ActsAsResident(ctx));
  EXPECT_TRUE(IsOwnPersonalEntity(ctx, Personal("Vitals", "resident-1")));
  EXPECT_FALSE(IsOwnPersonalEntity(ctx, Personal("Vitals", "resident-2")));
  EXPECT_FALSE(IsOwnPersonalEntity(ctx, Personal("Shelter", "resident-1")));
  EXPECT_FALSE(ActsAsResident(Context(kApiKey, "resident-1", "portal", 2)));
}

}  // namespace
}  // namespace renkei::service
