#include "notify/subscription_registry.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

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
  registry.Put(*compiled, "active", 0);
}

std::shared_ptr<const CompiledSubscription> WithQ(const std::string& id, std::string q,
                                                  std::string entity_id = "") {
  Subscription sub;
  sub.id = id;
  sub.q = std::move(q);
  store::EntitySelector selector;
  if (entity_id.empty()) {
    selector.id_pattern = ".*";
  } else {
    selector.id = std::move(entity_id);
  }
  sub.entities.push_back(selector);
  auto compiled = CompiledSubscription::Compile("t", std::move(sub));
  EXPECT_TRUE(compiled.has_value());
  return *compiled;
}

std::string QOf(const std::optional<RegisteredSubscription>& found) {
  return found ? found->compiled->subscription().q : "(none)";
}

// A journal row is matched against the subscription as it was when the row committed: a
// change put at journal position P applies to the rows after P, and the version it replaced
// (or nothing, for a creation) stays for the rows up to P until matching released them.
TEST(SubscriptionRegistry, KeepsWhatASubscriptionWasForTheRowsBeforeItsChange) {
  SubscriptionRegistry registry;
  registry.Put(WithQ("s", "v1"), "active", 10);  // created when the journal was at 10
  registry.Put(WithQ("s", "v2"), "active", 20);
  registry.Put(WithQ("gone", "g"), "active", 0);
  registry.Remove("t", "gone", 30);
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 10)), "(none)") << "written before the creation";
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 11)), "v1");
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 20)), "v1");
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 21)), "v2");
  EXPECT_EQ(QOf(registry.Find("t", "s")), "v2");
  EXPECT_EQ(QOf(registry.FindFor("t", "gone", 30)), "g") << "written before the deletion";
  EXPECT_EQ(QOf(registry.FindFor("t", "gone", 31)), "(none)");
  // Matching builds its candidates from every version still needed.
  EXPECT_EQ(registry.ForTenant("t").size(), 1u);
  EXPECT_EQ(registry.ForMatching("t").size(), 3u);  // v2, v1, g
  // A oneshot that fired is inactive in every version.
  registry.SetStatus("t", "s", "inactive");
  EXPECT_EQ(registry.FindFor("t", "s", 15)->status, "inactive");

  const auto generation = registry.Generation();
  registry.ReleaseThrough(20);
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 15)), "v2") << "rows up to 20 are matched";
  EXPECT_EQ(QOf(registry.FindFor("t", "gone", 25)), "g");
  EXPECT_NE(registry.Generation(), generation) << "candidates may shrink";
  registry.ReleaseThrough(30);
  EXPECT_EQ(registry.ForMatching("t").size(), 1u);
  // Changes at a position matching has passed keep nothing.
  registry.Put(WithQ("s", "v3"), "active", 25);
  EXPECT_EQ(QOf(registry.FindFor("t", "s", 1)), "v3");
}

// Several versions of one subscription in the candidate index: each visited once.
TEST(SubscriptionRegistry, CandidatesOfSeveralVersionsAreVisitedOnce) {
  SubscriptionRegistry registry;
  registry.Put(WithQ("s", "v1", "E1"), "active", 0);
  registry.Put(WithQ("s", "v2"), "active", 5);        // now a pattern
  registry.Put(WithQ("s", "v3", "E1"), "active", 6);  // and an id again
  CandidateIndex index;
  for (const auto& r : registry.ForMatching("t")) index.Add(r.compiled->subscription());
  std::vector<std::string> visited;
  index.ForEach("E1", [&](const std::string& id) { visited.push_back(id); });
  EXPECT_EQ(visited, std::vector<std::string>{"s"});
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

  registry.NoteOutcome("t", "s1", Answered(210, true), 2, 0);
  registry.AddInFlight("t", "s1", -2, base::Timestamp{});
  shown = registry.WithUncommitted("t", "s1", stored);
  EXPECT_EQ(shown.times_sent, 5);  // answered, not committed: still counted (ETSI 046_11_01)
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

// A read waits (bounded) for the answers of what is on the wire, so that it can show them.
TEST(SubscriptionRegistry, AReadWaitsForTheAnswersOnTheWire) {
  SubscriptionRegistry registry;
  Register(registry, "s1");
  // Nothing on the wire (or no such subscription): no wait at all, even with a long bound.
  registry.AwaitAnswers("t", "s1", std::chrono::hours(1));
  registry.AwaitAnswers("t", "nope", std::chrono::hours(1));

  registry.AddInFlight("t", "s1", 1, base::Timestamp{200});
  std::atomic<bool> answered{false};
  std::thread delivery([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    registry.NoteOutcome("t", "s1", Answered(260, true), 1, 0);
    answered = true;
    registry.AddInFlight("t", "s1", -1, base::Timestamp{});
  });
  registry.AwaitAnswers("t", "s1", std::chrono::hours(1));  // returns when the answer is in
  EXPECT_TRUE(answered.load());
  EXPECT_EQ(registry.WithUncommitted("t", "s1", {}).last_success, base::Timestamp{260});
  delivery.join();

  // A receiver that does not answer holds a read for the bound only.
  registry.AddInFlight("t", "s1", 1, base::Timestamp{300});
  const auto start = std::chrono::steady_clock::now();
  registry.AwaitAnswers("t", "s1", std::chrono::milliseconds(20));
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(20));
}

TEST(SubscriptionRegistry, AFailedAnswerShowsAsTheLastFailure) {
  SubscriptionRegistry registry;
  Register(registry, "s1");
  store::SubscriptionState stored;
  stored.last_notification = base::Timestamp{100};
  stored.last_success = base::Timestamp{100};
  registry.NoteOutcome("t", "s1", Answered(150, false), 1, 1);
  const auto shown = registry.WithUncommitted("t", "s1", stored);
  EXPECT_EQ(shown.last_failure, base::Timestamp{150});
  EXPECT_EQ(shown.last_failure_reason, "HTTP status 500");
  EXPECT_EQ(shown.last_success, base::Timestamp{100});
  EXPECT_EQ(shown.fails_counter, 1);
  EXPECT_EQ(shown.times_failed, 1);
  EXPECT_EQ(shown.times_sent, 1);
  // An older outcome than the stored one changes nothing.
  stored.last_notification = base::Timestamp{300};
  EXPECT_EQ(registry.WithUncommitted("t", "s1", stored), stored);
  // Unknown subscriptions and tenants are shown as stored.
  EXPECT_EQ(registry.WithUncommitted("t", "other", stored), stored);
  EXPECT_EQ(registry.WithUncommitted("u", "s1", stored), stored);
}

}  // namespace
}  // namespace renkei::notify
