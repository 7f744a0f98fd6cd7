#include "auth/policy.hpp"

#include <gtest/gtest.h>

#include "auth/api_key.hpp"
#include "auth/path_prefix.hpp"
#include "auth/policy_json.hpp"

namespace renkei::auth {
namespace {

Principal WithRoles(std::vector<std::string> roles, std::string tenant = "town",
                    std::string app = "") {
  Principal principal;
  principal.kind = PrincipalKind::kApiKey;
  principal.tenant = std::move(tenant);
  principal.client_id = std::move(app);
  principal.roles = std::move(roles);
  return principal;
}

Policy Parsed(std::string_view json) {
  auto policy = ParsePolicy(json);
  EXPECT_TRUE(policy) << (policy ? "" : policy.error().detail);
  return policy ? *policy : Policy{};
}

constexpr std::string_view kPolicy = R"({
  "rules": [
    {"roles": ["reader"], "actions": ["read"], "types": ["Shelter", "AED"]},
    {"roles": ["editor"], "actions": ["read", "write"], "types": ["Shelter"]},
    {"apps": ["bus-app"], "actions": ["subscribe"], "types": ["*"]}
  ],
  "openTypes": ["AED"]})";

TEST(Policy, DefaultDenyWithoutAMatchingRule) {
  const Permissions none = Evaluate(Policy{}, WithRoles({"reader"}), "town");
  for (Action action : {Action::kRead, Action::kWrite, Action::kSubscribe, Action::kAdminister}) {
    EXPECT_FALSE(none.AllowsAny(action));
  }
  const Permissions stranger = Evaluate(Parsed(kPolicy), WithRoles({"visitor"}), "town");
  EXPECT_FALSE(stranger.Allows(Action::kRead, "Shelter"));
  EXPECT_TRUE(stranger.Allows(Action::kRead, "AED")) << "open types are readable by all";
  EXPECT_FALSE(stranger.Allows(Action::kWrite, "AED"));
}

TEST(Policy, RulesGrantTheirActionsOnTheirTypesByRoleOrApp) {
  const Policy policy = Parsed(kPolicy);
  const Permissions reader = Evaluate(policy, WithRoles({"reader"}), "town");
  EXPECT_TRUE(reader.Allows(Action::kRead, "Shelter"));
  EXPECT_FALSE(reader.Allows(Action::kRead, "Building"));
  EXPECT_FALSE(reader.AllowsAny(Action::kWrite));
  ASSERT_EQ(reader.GrantsFor(Action::kRead).size(), 1u) << "plain rules merge into one grant";
  EXPECT_EQ(reader.GrantsFor(Action::kRead).front().types,
            (std::set<std::string, std::less<>>{"AED", "Shelter"}));

  const Permissions editor = Evaluate(policy, WithRoles({"editor"}), "town");
  EXPECT_TRUE(editor.Allows(Action::kWrite, "Shelter"));
  EXPECT_FALSE(editor.Allows(Action::kWrite, "AED"));

  const Permissions app = Evaluate(policy, WithRoles({}, "town", "bus-app"), "town");
  EXPECT_TRUE(app.Allows(Action::kSubscribe, "Anything"));
  EXPECT_TRUE(app.GrantsFor(Action::kSubscribe).front().every_type) << "\"*\" is every type";
  EXPECT_FALSE(app.AllowsAny(Action::kWrite));
}

TEST(Policy, AnonymousCallersGetTheOpenTypesOnly) {
  Principal anonymous;
  anonymous.tenant = "town";
  anonymous.roles = {"reader"};  // never set for anonymous callers; rules still do not apply
  const Permissions permissions = Evaluate(Parsed(kPolicy), anonymous, "town");
  EXPECT_TRUE(permissions.Allows(Action::kRead, "AED"));
  EXPECT_FALSE(permissions.Allows(Action::kRead, "Shelter"));
}

TEST(Policy, BuiltInRolesAndTenantBoundaries) {
  const Policy policy = Parsed(kPolicy);
  const Permissions admin = Evaluate(policy, WithRoles({"tenant-admin"}), "town");
  EXPECT_TRUE(admin.Allows(Action::kAdminister, "X"));
  // A tenant admin of another tenant is nobody here, and other tenants' rules do not apply.
  const Permissions foreign_admin = Evaluate(policy, WithRoles({"tenant-admin"}, "city"), "town");
  EXPECT_FALSE(foreign_admin.AllowsAny(Action::kWrite));
  const Permissions foreign_reader = Evaluate(policy, WithRoles({"reader"}, "city"), "town");
  EXPECT_FALSE(foreign_reader.Allows(Action::kRead, "Shelter"));
  const Permissions operator_ =
      Evaluate(policy, WithRoles({"platform-operator"}, "prefecture"), "town");
  EXPECT_TRUE(operator_.Allows(Action::kWrite, "Shelter"));
}

TEST(PolicyJson, RefusesInvalidDocumentsNamingThePlace) {
  const std::vector<std::pair<std::string_view, std::string_view>> cases = {
      {"[]", "JSON object"},
      {"{", "not JSON"},
      {R"({"rule": []})", "unknown member 'rule'"},
      {R"({"rules": [{"actions": ["read"], "types": ["A"]}]})", "grants nobody"},
      {R"({"rules": [{"roles": ["r"], "actions": ["delete"], "types": ["A"]}]})",
       "unknown action 'delete'"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"]}]})", "types is missing"},
      {R"({"rules": [{"roles": ["a,b"], "actions": ["read"], "types": ["A"]}]})",
       "not a role name"},
      {R"({"rules": [{"roles": [""], "actions": ["read"], "types": ["A"]}]})", "non-empty"},
      {R"({"openTypes": ["*"]})", "cannot open every type"},
      {R"({"openTypes": "AED"})", "array of strings"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": ["parks"]}]})",
       "rules[0].servicePaths[0] 'parks' is not a ServicePath prefix: it must begin with /"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": ["/a/#"]}]})",
       "cannot hold #"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": ["/a//b"]}]})",
       "empty component"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": ["/a-b"]}]})",
       "character other than"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": ["/1/2/3/4/5/6/7/8/9/10/11"]}]})",
       "more than 10 levels"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "servicePaths": []}]})",
       "rules[0].servicePaths is empty"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "attributes": ["*"]}]})",
       "rules[0].attributes: leave attributes out"},
      {R"({"rules": [{"roles": ["r"], "actions": ["read"], "types": ["A"],
                      "attributes": [1]}]})",
       "rules[0].attributes must hold non-empty strings"},
      {R"({"personalTypes": ["Vitals"]})", "personalTypes must be an object"},
      {R"({"personalTypes": {"Vitals": 2}})", "personalTypes.Vitals must be an object"},
      {R"({"personalTypes": {"Vitals": {"assuranceLevel": 4}}})",
       "personalTypes.Vitals.assuranceLevel must be an integer from 0 to 3"},
      {R"({"personalTypes": {"Vitals": {"assuranceLevel": "2"}}})",
       "personalTypes.Vitals.assuranceLevel"},
      {R"({"personalTypes": {"Vitals": {"level": 2}}})", "unknown member 'level'"},
      {R"({"personalTypes": {"*": {}}})", "is not a type name"},
  };
  for (const auto& [json, expected] : cases) {
    auto parsed = ParsePolicy(json);
    ASSERT_FALSE(parsed) << json;
    EXPECT_EQ(parsed.error().code, base::ErrorCode::kBadRequestData);
    EXPECT_NE(parsed.error().detail.find(expected), std::string::npos)
        << json << " -> " << parsed.error().detail;
  }
}

TEST(PolicyJson, RoundTripsThroughTheCanonicalText) {
  const Policy policy = Parsed(kPolicy);
  const Policy again = Parsed(PolicyJson(policy));
  EXPECT_EQ(PolicyJson(again), PolicyJson(policy));
  ASSERT_EQ(again.rules.size(), 3u);
  EXPECT_EQ(again.rules[2].apps, std::vector<std::string>{"bus-app"});
  EXPECT_TRUE(again.open_types.contains("AED"));
}

TEST(PolicyJson, ServicePathPrefixesAreNormalisedAndKept) {
  const Policy policy = Parsed(R"({"rules": [{"roles": ["r"], "actions": ["read"],
      "types": ["A"], "servicePaths": ["/wakayama/parks/"], "attributes": ["name"]}]})");
  ASSERT_EQ(policy.rules.size(), 1u);
  EXPECT_EQ(policy.rules[0].service_paths, std::vector<std::string>{"/wakayama/parks"});
  const std::string text = PolicyJson(policy);
  EXPECT_NE(text.find(R"("servicePaths":["/wakayama/parks"])"), std::string::npos) << text;
  EXPECT_NE(text.find(R"("attributes":["name"])"), std::string::npos) << text;
  EXPECT_EQ(PolicyJson(Parsed(text)), text);
}

TEST(PathPrefix, CoversItselfAndItsDescendantsOnly) {
  EXPECT_TRUE(PathUnder("/a", "/a"));
  EXPECT_TRUE(PathUnder("/a", "/a/b/c"));
  EXPECT_FALSE(PathUnder("/a", "/ab"));
  EXPECT_FALSE(PathUnder("/a/b", "/a"));
  EXPECT_TRUE(PathUnder("/", "/anything"));
}

constexpr std::string_view kScopedPolicy = R"({
  "rules": [
    {"roles": ["parks"], "actions": ["read", "write"], "types": ["Park"],
     "servicePaths": ["/wakayama/parks"]},
    {"roles": ["parks"], "actions": ["read"], "types": ["*"], "servicePaths": ["/open"]},
    {"roles": ["meter"], "actions": ["read"], "types": ["Meter"], "attributes": ["reading"]},
    {"roles": ["meter"], "actions": ["write"], "types": ["Meter"],
     "attributes": ["reading", "status"]},
    {"roles": ["auditor"], "actions": ["read"], "types": ["Meter"]}
  ]})";

TEST(Policy, ServicePathPrefixesLimitWhereATypeIsGranted) {
  const Permissions parks = Evaluate(Parsed(kScopedPolicy), WithRoles({"parks"}), "town");
  EXPECT_TRUE(parks.Allows(Action::kRead, "Park", "/wakayama/parks"));
  EXPECT_TRUE(parks.Allows(Action::kWrite, "Park", "/wakayama/parks/north"));
  EXPECT_FALSE(parks.Allows(Action::kRead, "Park", "/wakayama"));
  EXPECT_FALSE(parks.Allows(Action::kRead, "Park", "/wakayama/parksx"));
  EXPECT_FALSE(parks.Allows(Action::kWrite, "Park", "/open"));
  EXPECT_TRUE(parks.Allows(Action::kRead, "Bus", "/open/x"));
  EXPECT_TRUE(parks.Allows(Action::kRead, "Park")) << "somewhere";
  EXPECT_TRUE(parks.AllowsSubtree(Action::kRead, "Park", "/wakayama/parks/north"));
  EXPECT_FALSE(parks.AllowsSubtree(Action::kRead, "Park", "/wakayama"));
  EXPECT_FALSE(parks.AllowsSubtree(Action::kRead, "Park", "/"));
  EXPECT_FALSE(parks.LimitsAttributes(Action::kRead, "Park", "/wakayama/parks"));
}

TEST(Policy, AttributeListsLimitReadsAndWritesUnlessAnotherGrantCoversAll) {
  const Policy policy = Parsed(kScopedPolicy);
  const Permissions meter = Evaluate(policy, WithRoles({"meter"}), "town");
  EXPECT_TRUE(meter.Allows(Action::kRead, "Meter", "/"));
  EXPECT_TRUE(meter.LimitsAttributes(Action::kRead, "Meter", "/"));
  EXPECT_TRUE(meter.AllowsAttribute(Action::kRead, "Meter", "/", "reading"));
  EXPECT_FALSE(meter.AllowsAttribute(Action::kRead, "Meter", "/", "owner"));
  EXPECT_FALSE(meter.AllowsAttribute(Action::kRead, "Other", "/", "reading"));
  EXPECT_TRUE(meter.AllowsAttribute(Action::kWrite, "Meter", "/x", "status"));
  EXPECT_FALSE(meter.AllowsAttribute(Action::kRead, "Meter", "/x", "status"));

  // A principal with both roles reads every attribute: the union of the grants.
  const Permissions both = Evaluate(policy, WithRoles({"meter", "auditor"}), "town");
  EXPECT_FALSE(both.LimitsAttributes(Action::kRead, "Meter", "/"));
  EXPECT_TRUE(both.AllowsAttribute(Action::kRead, "Meter", "/", "owner"));
  EXPECT_TRUE(both.LimitsAttributes(Action::kWrite, "Meter", "/"));
}

TEST(PolicyJson, PersonalTypesHaveALevelThatDefaultsToOne) {
  const Policy policy =
      Parsed(R"({"personalTypes": {"Vitals": {"assuranceLevel": 2}, "Activity": {}}})");
  EXPECT_EQ(policy.personal_types.LevelOf("Vitals"), 2);
  EXPECT_EQ(policy.personal_types.LevelOf("Activity"), kDefaultPersonalAssuranceLevel);
  EXPECT_FALSE(policy.personal_types.LevelOf("Shelter"));
  const Policy again = Parsed(PolicyJson(policy));
  EXPECT_EQ(again.personal_types.levels, policy.personal_types.levels);
}

TEST(ApiKey, GeneratedKeysAreWellFormedDistinctAndHashedOnly) {
  auto a = GenerateApiKey();
  auto b = GenerateApiKey();
  ASSERT_TRUE(a && b);
  EXPECT_NE(a->text, b->text);
  EXPECT_EQ(ApiKeyIdOf(a->text), a->key_id);
  EXPECT_EQ(a->text.size(), 3u + 12u + 1u + 43u);
  EXPECT_EQ(ApiKeyIdOf("rk_short.key"), std::nullopt);
  EXPECT_EQ(ApiKeyIdOf(a->key_id + ".!" + a->text.substr(17)), std::nullopt);
  const std::string hash = HashApiKey(a->text);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_TRUE(SameHash(hash, HashApiKey(a->text)));
  EXPECT_FALSE(SameHash(hash, HashApiKey(b->text)));
  // FIPS 180-2 test vector.
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace renkei::auth
