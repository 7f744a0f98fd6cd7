#include "notify/ld_subscription.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace renkei::notify {
namespace {

namespace json = boost::json;

// The stored JSON goes through text (the subscriptions table): joinLevel comes back as the
// parser's integer kind, not the one EncodeLd wrote.
LdSubscription ThroughText(const LdSubscription& ld) {
  const json::value parsed = json::parse(json::serialize(EncodeLd(ld)));
  auto decoded = DecodeLd(parsed.as_object());
  EXPECT_TRUE(decoded.has_value());
  return decoded ? *decoded : LdSubscription{};
}

TEST(LdSubscription, KeepsJoinAndJoinLevel) {
  LdSubscription ld;
  ld.join = "inline";
  ld.join_level = 3;
  const LdSubscription back = ThroughText(ld);
  EXPECT_EQ(back.join, "inline");
  EXPECT_EQ(back.join_level, 3U);
}

TEST(LdSubscription, NoJoinByDefault) {
  const LdSubscription back = ThroughText(LdSubscription{});
  EXPECT_EQ(back.join, "");
  EXPECT_EQ(back.join_level, 1U);
  EXPECT_FALSE(EncodeLd(LdSubscription{}).contains("join"));
}

}  // namespace
}  // namespace renkei::notify
