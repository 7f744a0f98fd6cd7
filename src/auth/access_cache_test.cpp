#include "auth/access_cache.hpp"

#include <gtest/gtest.h>

namespace renkei::auth {
namespace {

SharedPrincipal PrincipalOf(std::string subject) {
  auto principal = std::make_shared<Principal>();
  principal->kind = PrincipalKind::kBearerToken;
  principal->subject = std::move(subject);
  return principal;
}

Access SomeAccess() {
  return Access{std::make_shared<const Permissions>(), std::make_shared<const PersonalTypes>()};
}

TEST(AccessCache, AnswersOnlyForTheSameTenantAndPolicyObject) {
  AccessCache cache(8);
  const auto principal = PrincipalOf("resident-1");
  const auto policy = std::make_shared<const Policy>();
  const Access access = SomeAccess();
  cache.Remember(principal, "a", policy, access);
  auto found = cache.Find(principal, "a", policy);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->permissions, access.permissions);
  EXPECT_FALSE(cache.Find(principal, "b", policy));
  // An equal policy that is another object is another version.
  EXPECT_FALSE(cache.Find(principal, "a", std::make_shared<const Policy>()));
  EXPECT_FALSE(cache.Find(PrincipalOf("resident-1"), "a", policy));  // another principal
}

TEST(AccessCache, IsClearedWhenFullAndStaysWithinItsCapacity) {
  AccessCache cache(2);
  const auto policy = std::make_shared<const Policy>();
  const auto first = PrincipalOf("1");
  const auto second = PrincipalOf("2");
  const auto third = PrincipalOf("3");
  cache.Remember(first, "a", policy, SomeAccess());
  cache.Remember(second, "a", policy, SomeAccess());
  // Replacing an entry that is there does not count as a new one.
  cache.Remember(second, "a", policy, SomeAccess());
  EXPECT_TRUE(cache.Find(first, "a", policy));
  EXPECT_TRUE(cache.Find(second, "a", policy));
  cache.Remember(third, "a", policy, SomeAccess());  // full: cleared, then the new one
  EXPECT_FALSE(cache.Find(first, "a", policy));
  EXPECT_FALSE(cache.Find(second, "a", policy));
  EXPECT_TRUE(cache.Find(third, "a", policy));
}

TEST(AccessCache, OfCapacityZeroRemembersNothing) {
  AccessCache cache(0);
  const auto principal = PrincipalOf("1");
  const auto policy = std::make_shared<const Policy>();
  cache.Remember(principal, "a", policy, SomeAccess());
  EXPECT_FALSE(cache.Find(principal, "a", policy));
}

}  // namespace
}  // namespace renkei::auth
