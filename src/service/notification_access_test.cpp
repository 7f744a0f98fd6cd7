#include "service/notification_access.hpp"

#include <gtest/gtest.h>

#include <map>

#include "auth/roles.hpp"

namespace renkei::service {
namespace {

// Keys by id; revocation and writes are not needed here.
class KeysInMemory final : public store::ApiKeyStore {
 public:
  std::map<std::string, store::ApiKeyRecord> keys;
  base::Result<std::optional<store::ApiKeyRecord>> FindApiKey(const std::string& id) override {
    auto it = keys.find(id);
    if (it == keys.end()) return std::optional<store::ApiKeyRecord>();
    return std::optional<store::ApiKeyRecord>(it->second);
  }
  base::Result<std::vector<store::ApiKeyRecord>> ListApiKeys(const std::string&) override {
    return std::vector<store::ApiKeyRecord>{};
  }
  void AddApiKey(store::ApiKeyRecord, store::WriteDone done) override { done(base::Ok()); }
  void RevokeApiKey(std::string, std::string, base::Timestamp, store::WriteDone done) override {
    done(base::Ok());
  }
  void TouchApiKey(std::string, base::Timestamp, store::WriteDone done) override {
    done(base::Ok());
  }
};

class FixedPolicy final : public auth::PolicySource {
 public:
  std::shared_ptr<const auth::Policy> policy = std::make_shared<auth::Policy>();
  base::Result<std::shared_ptr<const auth::Policy>> PolicyFor(const std::string&) const override {
    return policy;
  }
};

core::Entity OfType(std::string type) {
  core::Entity e;
  e.id = "e1";
  e.types = {std::move(type)};
  return e;
}

class NotificationAccessTest : public ::testing::Test {
 protected:
  NotificationAccessTest()
      : authenticator_(Settings()),
        keys_(store_, ApiKeyTiming{std::chrono::milliseconds(0), std::chrono::milliseconds(0)}) {
    authenticator_.SetPolicySource(&policies_);
    store::ApiKeyRecord key;
    key.key_id = "rk_reader";
    key.tenant = "town_a";
    key.roles = {"reader"};
    store_.keys[key.key_id] = key;
    Grant({"Shelter"});
  }
  static auth::AuthSettings Settings() {
    auth::AuthSettings settings;
    settings.enabled_tenants = {"town_a"};
    return settings;
  }
  void Grant(std::vector<std::string> types) {
    auto policy = std::make_shared<auth::Policy>();
    policy->rules.push_back({{"reader"}, {}, {auth::Action::kRead}, std::move(types), {}, {}});
    policies_.policy = policy;
  }
  notify::Subscription OwnedBy(std::string kind, std::string subject) {
    notify::Subscription sub;
    sub.owner = notify::SubscriptionOwner{std::move(kind), std::move(subject), "map", "",
                                          "town_a",        {"reader"},         0};
    return sub;
  }

  KeysInMemory store_;
  FixedPolicy policies_;
  auth::Authenticator authenticator_;
  ApiKeyService keys_;
  base::SystemClock clock_;
};

TEST_F(NotificationAccessTest, FollowsTheCurrentPolicyPerEntity) {
  NotificationAccess access(authenticator_, keys_, nullptr, clock_);
  const auto sub = OwnedBy("apiKey", "rk_reader");
  auto check = access.CheckFor("town_a", sub);
  ASSERT_TRUE(check);
  EXPECT_TRUE(check(OfType("Shelter")));
  EXPECT_FALSE(check(OfType("Building"))) << "a type the owner may not read";
  Grant({"Building"});
  check = access.CheckFor("town_a", sub);
  EXPECT_FALSE(check(OfType("Shelter"))) << "the policy as it is now, not at creation";
  EXPECT_TRUE(check(OfType("Building")));
}

TEST_F(NotificationAccessTest, RevokedOrUnknownKeysAndMissingOwnersNotifyNothing) {
  NotificationAccess access(authenticator_, keys_, nullptr, clock_);
  store_.keys["rk_reader"].revoked_at = base::Timestamp{1};
  EXPECT_FALSE(access.CheckFor("town_a", OwnedBy("apiKey", "rk_reader"))(OfType("Shelter")));
  EXPECT_FALSE(access.CheckFor("town_a", OwnedBy("apiKey", "rk_gone"))(OfType("Shelter")));
  // A token owner is not a key: its stored roles decide.
  EXPECT_TRUE(access.CheckFor("town_a", OwnedBy("bearerToken", "市民-1"))(OfType("Shelter")));
  EXPECT_FALSE(access.CheckFor("town_a", notify::Subscription{})(OfType("Shelter")))
      << "made before authentication was turned on";
  EXPECT_FALSE(access.CheckFor("town_b", notify::Subscription{}))
      << "a tenant with authentication off checks nothing";
}

TEST(SubscriptionOwner, IsThePrincipalAgain) {
  RequestContext ctx;
  ctx.tenant = "town_a";
  EXPECT_FALSE(SubscriptionOwnerOf(ctx).has_value());
  auto caller = std::make_shared<auth::Principal>();
  caller->kind = auth::PrincipalKind::kBearerToken;
  caller->subject = "市民-1";
  caller->client_id = "watch";
  caller->issuer = "https://idp.example";
  caller->tenant = "town_a";
  caller->roles = {"family", std::string(auth::kTenantAdminRole)};
  caller->assurance_level = 2;
  ctx.principal = caller;
  auto owner = SubscriptionOwnerOf(ctx);
  ASSERT_TRUE(owner.has_value());
  EXPECT_EQ(owner->kind, "bearerToken");
  const auth::Principal back = PrincipalOf(*owner);
  EXPECT_EQ(back.kind, caller->kind);
  EXPECT_EQ(back.subject, caller->subject);
  EXPECT_EQ(back.client_id, caller->client_id);
  EXPECT_EQ(back.issuer, caller->issuer);
  EXPECT_EQ(back.roles, caller->roles);
  EXPECT_EQ(back.assurance_level, 2);
  owner->kind = "somethingNew";
  EXPECT_TRUE(PrincipalOf(*owner).IsAnonymous()) << "an unknown kind is trusted least";
}

}  // namespace
}  // namespace renkei::service
