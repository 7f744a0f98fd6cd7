#include "notify/subscription_registry.hpp"

#include <gtest/gtest.h>

namespace renkei::notify {
namespace {

void Register(SubscriptionRegistry& registry, const std::string& id) {
  Subscription sub;
  sub.id = id;
  store::EntitySelector any;
  any.id_pattern = ".*";
  sub.entities.push_back(any);
  auto compiled = CompiledSubscription::Compile("t", std::move(sub));
  ASSERT_TRUE(compiled.has_value());
  registry.Put(*compiled, "active");
}

store::DeliveryRecord Answered(std::int64_t at, bool delivered) {
  store::DeliveryRecord record;
  record.at = base::Timestamp{at};
  record.delivered = delivered;
  if (delivered) {
    record.status_code = 204;
  } else {
    record.failure_reason = "HTTP status 500";
  }
  return record;
}

// A subscription read while its notification is on the wire, or answered but not yet
// committed, shows it (ETSI 046_12_01 reads lastSuccess as soon as its receiver has one).
TEST(SubscriptionRegistry, ShowsWhatDeliveryKnowsBeforeTheStore) {
  SubscriptionRegistry registry;
  Register(registry, "s1");
  store::SubscriptionState stored;
  stored.times_sent = 3;
  stored.last_notification = base::Timestamp{100};
  stored.last_success = base::Timestamp{100};

  registry.AddInFlight("t", "s1", 2, base::Timestamp{200});
  auto shown = registry.WithUncommitted("t", "s1", stored);
  EXPECT_EQ(shown.times_sent, 5);
  EXPECT_EQ(shown.last_notification, base::Timestamp{200});
  EXPECT_EQ(shown.last_success, base::Timestamp{100});  // no answer yet

  registry.NoteOutcome("t", "s1", Answered(210, true));
  registry.AddInFlight("t", "s1", -2, base::Timestamp{});
  shown = registry.WithUncommitted("t", "s1", stored);
  EXPECT_EQ(shown.times_sent, 3);  // counted again once committed, never twice
  EXPECT_EQ(shown.last_notification, base::Timestamp{210});
  EXPECT_EQ(shown.last_success, base::Timestamp{210});
  EXPECT_EQ(shown.last_success_code, 204);

  // Once the store has the outcome, its values are shown as they are.
  stored.times_sent = 5;
  stored.last_notification = base::Timestamp{210};
  stored.last_success = base::Timestamp{210};
  stored.last_success_code = 204;
  EXPECT_EQ(registry.WithUncommitted("t", "s1", stored), stored);
}

TEST(SubscriptionRegistry, AFailedAnswerShowsAsTheLastFailure) {
  SubscriptionRegistry registry;
  Register(registry, "s1");
  store::SubscriptionState stored;
  stored.last_notification = base::Timestamp{100};
  stored.last_success = base::Timestamp{100};
  registry.NoteOutcome("t", "s1", Answered(150, false));
  const auto shown = registry.WithUncommitted("t", "s1", stored);
  EXPECT_EQ(shown.last_failure, base::Timestamp{150});
  EXPECT_EQ(shown.last_failure_reason, "HTTP status 500");
  EXPECT_EQ(shown.last_success, base::Timestamp{100});
  // An older outcome than the stored one changes nothing.
  stored.last_notification = base::Timestamp{300};
  EXPECT_EQ(registry.WithUncommitted("t", "s1", stored), stored);
  // Unknown subscriptions and tenants are shown as stored.
  EXPECT_EQ(registry.WithUncommitted("t", "other", stored), stored);
  EXPECT_EQ(registry.WithUncommitted("u", "s1", stored), stored);
}

}  // namespace
}  // namespace renkei::notify
