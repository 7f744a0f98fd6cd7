#include "auth/authenticator.hpp"

#include <map>

#include <gtest/gtest.h>

namespace renkei::auth {
namespace {

HeaderLookup Headers(std::map<std::string, std::string> headers) {
  return [headers = std::move(headers)](std::string_view name) -> std::optional<std::string_view> {
    auto it = headers.find(std::string(name));
    if (it == headers.end()) return std::nullopt;
    return std::string_view(it->second);
  };
}

// Accepts the API key "good" as the app "watch" with role "writer"; refuses other keys.
class KeyVerifier : public CredentialVerifier {
 public:
  std::optional<base::Result<SharedPrincipal>> Verify(const Credentials& credentials,
                                                      const std::string& tenant,
                                                      base::Timestamp) const override {
    if (!credentials.api_key) return std::nullopt;
    if (*credentials.api_key != "good") {
      return base::Result<SharedPrincipal>(
          base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized", "unknown key"));
    }
    auto principal = std::make_shared<Principal>();
    principal->kind = PrincipalKind::kApiKey;
    principal->client_id = "watch";
    principal->tenant = tenant;
    principal->roles = {"writer"};
    return base::Result<SharedPrincipal>(std::move(principal));
  }
};

// Every tenant has the same policy.
struct FixedPolicy : PolicySource {
  base::Result<std::shared_ptr<const Policy>> PolicyFor(const std::string&) const override {
    return std::shared_ptr<const Policy>(policy);
  }
  std::shared_ptr<Policy> policy = std::make_shared<Policy>();
};

TEST(ReadCredentials, BearerSchemeIsCaseInsensitiveAndXAuthTokenIsTheFallback) {
  EXPECT_EQ(ReadCredentials(Headers({{"Authorization", "bearer abc"}})).bearer_token, "abc");
  EXPECT_EQ(ReadCredentials(Headers({{"X-Auth-Token", " t1 "}})).bearer_token, "t1");
  EXPECT_EQ(ReadCredentials(Headers({{"X-Api-Key", "k"}})).api_key, "k");
  EXPECT_TRUE(
      ReadCredentials(Headers({{"Authorization", "Basic dXNlcg=="}})).malformed_authorization);
  EXPECT_TRUE(ReadCredentials(Headers({{"Authorization", "Bearer "}})).malformed_authorization);
  EXPECT_TRUE(ReadCredentials(Headers({})).Empty());
}

TEST(Authenticator, TenantsWithoutAuthenticationGetNoPrincipal) {
  Authenticator authenticator(AuthSettings{{"a"}, false, {}, {}});
  auto principal = authenticator.Authenticate({}, "b", {});
  ASSERT_TRUE(principal);
  EXPECT_EQ(*principal, nullptr);
}

TEST(Authenticator, DefaultDenyRefusesCallersWithoutCredentials) {
  Authenticator authenticator(AuthSettings{{"a"}, false, {}, {}});
  auto refused = authenticator.Authenticate({}, "a", {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, base::ErrorCode::kUnauthorized);

  // Anonymous callers are let through only to a tenant whose policy opens some type.
  Authenticator open(AuthSettings{{"a"}, true, {}, {}});
  auto closed = open.Authenticate({}, "a", {});
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().code, base::ErrorCode::kUnauthorized);
  FixedPolicy open_data;
  open_data.policy->open_types.insert("AED");
  open.SetPolicySource(&open_data);
  auto anonymous = open.Authenticate({}, "a", {});
  ASSERT_TRUE(anonymous);
  ASSERT_NE(*anonymous, nullptr);
  EXPECT_TRUE((*anonymous)->IsAnonymous());
  EXPECT_EQ((*anonymous)->tenant, "a");
}

TEST(Authenticator, TheVerifierThatRecognisesTheCredentialsDecides) {
  Authenticator authenticator(AuthSettings{{"a"}, false, {}, {}});
  authenticator.AddVerifier(std::make_unique<KeyVerifier>());
  Credentials good;
  good.api_key = "good";
  auto principal = authenticator.Authenticate(good, "a", {});
  ASSERT_TRUE(principal);
  EXPECT_EQ((*principal)->client_id, "watch");
  EXPECT_TRUE((*principal)->HasRole("writer"));

  Credentials bad;
  bad.api_key = "forged";
  EXPECT_EQ(authenticator.Authenticate(bad, "a", {}).error().code, base::ErrorCode::kUnauthorized);
  // No verifier understands bearer tokens here: refused, never waved through.
  Credentials token;
  token.bearer_token = "eyJ";
  EXPECT_FALSE(authenticator.Authenticate(token, "a", {}));
}

// RFC 6750 §2: one method per request. Which credential counts is never left to the order of
// the verifiers (a good key beside a forged token would otherwise pass).
TEST(ReadCredentials, MarksMoreThanOneCredential) {
  EXPECT_TRUE(
      ReadCredentials(Headers({{"X-Api-Key", "k"}, {"Authorization", "Bearer t"}})).several);
  EXPECT_TRUE(ReadCredentials(Headers({{"X-Api-Key", "k"}, {"X-Auth-Token", "t"}})).several);
  EXPECT_TRUE(
      ReadCredentials(Headers({{"Authorization", "Bearer t1"}, {"X-Auth-Token", "t2"}})).several);
  // The same token in both bearer headers is one credential.
  EXPECT_FALSE(
      ReadCredentials(Headers({{"Authorization", "Bearer t1"}, {"X-Auth-Token", "t1"}})).several);
  EXPECT_FALSE(ReadCredentials(Headers({{"X-Api-Key", "k"}})).several);
}

TEST(Authenticator, RefusesSeveralCredentialsEvenWhenOneIsGood) {
  Authenticator authenticator(AuthSettings{{"a"}, false, {}, {}});
  authenticator.AddVerifier(std::make_unique<KeyVerifier>());
  Credentials both;
  both.api_key = "good";
  both.bearer_token = "eyJ";
  both.several = true;
  auto refused = authenticator.Authenticate(both, "a", {});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, base::ErrorCode::kUnauthorized);
}

TEST(Authenticator, PersonalTypesMergeConfigAndPolicyKeepingTheHigherLevel) {
  AuthSettings settings{{"a"}, false, {}, {}};
  settings.configured_personal_types["a"] = {"Vitals", "Meals"};
  settings.configured_personal_types["off"] = {"Vitals"};
  Authenticator authenticator(std::move(settings));
  FixedPolicy policies;
  policies.policy->personal_types.Declare("Vitals", 2);
  policies.policy->personal_types.Declare("Activity", 0);
  authenticator.SetPolicySource(&policies);
  auto types = authenticator.PersonalTypesFor("a");
  ASSERT_TRUE(types.has_value());
  EXPECT_EQ((*types)->LevelOf("Vitals"), 2);
  EXPECT_EQ((*types)->LevelOf("Meals"), kDefaultPersonalAssuranceLevel);
  EXPECT_EQ((*types)->LevelOf("Activity"), 0);
  // A tenant with authentication off has no policy: only the config speaks for it.
  auto off = authenticator.PersonalTypesFor("off");
  ASSERT_TRUE(off.has_value());
  EXPECT_EQ((*off)->levels.size(), 1u);
  EXPECT_EQ((*off)->LevelOf("Vitals"), kDefaultPersonalAssuranceLevel);
  EXPECT_TRUE(authenticator.PersonalTypesFor("other").value()->empty());
}

TEST(Authenticator, RequestAccessIsSharedUntilThePolicyIsReplaced) {
  Authenticator authenticator(AuthSettings{{"a", "b"}, false, {}, {}});
  FixedPolicy policies;
  policies.policy->rules.push_back(
      PolicyRule{{"reader"}, {}, {Action::kRead}, {"Shelter"}, {}, {}});
  authenticator.SetPolicySource(&policies);
  auto reader = std::make_shared<Principal>();
  reader->kind = PrincipalKind::kBearerToken;
  reader->tenant = "a";
  reader->roles = {"reader"};
  const SharedPrincipal held = reader;  // as the verified token cache holds it
  auto first = authenticator.RequestAccessFor(held, "a");
  auto again = authenticator.RequestAccessFor(held, "a");
  ASSERT_TRUE(first && again);
  EXPECT_TRUE(first->permissions->Allows(Action::kRead, "Shelter"));
  EXPECT_EQ(first->permissions, again->permissions);  // evaluated once
  // Another tenant is not answered from the entry of the first.
  auto other = authenticator.RequestAccessFor(held, "b");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->permissions->Allows(Action::kRead, "Shelter"));
  // A replaced policy is a new object: the next request sees it.
  auto replaced = std::make_shared<Policy>();
  replaced->rules.push_back(PolicyRule{{"reader"}, {}, {Action::kRead}, {"Toilet"}, {}, {}});
  policies.policy = replaced;
  auto after = authenticator.RequestAccessFor(held, "b");
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->permissions->Allows(Action::kRead, "Shelter"));
  EXPECT_FALSE(after->permissions->Allows(Action::kRead, "Toilet"));  // b: another tenant's
  after = authenticator.RequestAccessFor(held, "a");
  ASSERT_TRUE(after);
  EXPECT_FALSE(after->permissions->Allows(Action::kRead, "Shelter"));
  EXPECT_TRUE(after->permissions->Allows(Action::kRead, "Toilet"));
}

// A principal no one else holds (an API key's or an anonymous caller's, built per request) is
// evaluated anew each time: remembering it would fill the cache with entries no later request
// can find.
TEST(Authenticator, RequestAccessOfAnUnsharedPrincipalIsNotRemembered) {
  Authenticator authenticator(AuthSettings{{"a"}, false, {}, {}});
  FixedPolicy policies;
  policies.policy->rules.push_back(
      PolicyRule{{"reader"}, {}, {Action::kRead}, {"Shelter"}, {}, {}});
  authenticator.SetPolicySource(&policies);
  auto reader = std::make_shared<Principal>();
  reader->kind = PrincipalKind::kApiKey;
  reader->tenant = "a";
  reader->roles = {"reader"};
  const SharedPrincipal only = std::move(reader);
  auto first = authenticator.RequestAccessFor(only, "a");  // the request holds it alone
  ASSERT_TRUE(first);
  const SharedPrincipal now_shared = only;  // as a cache would hold it
  auto second = authenticator.RequestAccessFor(now_shared, "a");
  ASSERT_TRUE(second);
  EXPECT_TRUE(second->permissions->Allows(Action::kRead, "Shelter"));
  EXPECT_NE(first->permissions, second->permissions);  // evaluated again, not from a cache
  auto third = authenticator.RequestAccessFor(now_shared, "a");
  ASSERT_TRUE(third);
  EXPECT_EQ(second->permissions, third->permissions);  // shared now: remembered
}

}  // namespace
}  // namespace renkei::auth
