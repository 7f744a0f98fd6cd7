// Subscriptions, the entity-change journal and the outbox (store/subscription_store.hpp):
// every backend stores subscriptions per tenant with caps, journals the changes of a tenant
// that has subscriptions in the same commit as the entities, consumes the journal and fills
// the outbox atomically, keeps the order of each subscription's queue, and records
// deliveries with Orion's counters. Everything survives a reopen.
#include <atomic>
#include <future>
#include <mutex>

#include "subscription_conformance.hpp"

namespace renkei::store::testing {
namespace {

SubscriptionRecord Sub(std::string tenant, std::string id, std::int64_t created = 1000) {
  SubscriptionRecord r;
  r.tenant = std::move(tenant);
  r.id = std::move(id);
  r.document = R"({"subject":{"entities":[{"idPattern":".*"}]}})";
  r.created_at = base::Timestamp{created};
  return r;
}

core::Entity Room(std::string id, double temperature) {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"Room"};
  core::Attribute a;
  a.name = "temperature";
  a.type = "Number";
  a.value = temperature;
  e.attributes.push_back(std::move(a));
  return e;
}

OutboxEntry Entry(std::string tenant, std::string sub, std::string payload) {
  OutboxEntry e;
  e.tenant = std::move(tenant);
  e.subscription_id = std::move(sub);
  e.target = R"({"url":"http://127.0.0.1:1/"})";
  e.headers = "{}";
  e.payload = std::move(payload);
  e.next_attempt = base::Timestamp{5000};
  e.created_at = base::Timestamp{5000};
  return e;
}

// A failed attempt of row `seq` of t/s1 at 6000, retried at 7000.
DeliveryRecord FailureOf(std::int64_t seq) {
  return DeliveryRecord{seq,
                        "t",
                        "s1",
                        base::Timestamp{6000},
                        false,
                        500,
                        "HTTP status 500",
                        false,
                        base::Timestamp{7000},
                        std::nullopt};
}

}  // namespace

TEST_P(SubscriptionConformance, SubscriptionsArePerTenantCappedAndSurviveReopen) {
  Create(Sub("t", "s1", 1));
  Create(Sub("t", "s2", 2));
  Create(Sub("other", "s1", 3));  // the same id in another tenant is another subscription
  auto taken =
      Wait([&](WriteDone d) { subs().CreateSubscription(Sub("t", "s1"), 0, std::move(d)); });
  ASSERT_FALSE(taken.has_value());
  EXPECT_EQ(taken.error().code, base::ErrorCode::kAlreadyExists);
  auto capped =
      Wait([&](WriteDone d) { subs().CreateSubscription(Sub("t", "s3"), 2, std::move(d)); });
  ASSERT_FALSE(capped.has_value());
  EXPECT_EQ(capped.error().code, base::ErrorCode::kTooManyResults);

  Reopen();
  std::size_t total = 0;
  auto page = subs().ListSubscriptions("t", 1, 10, &total);
  ASSERT_TRUE(page.has_value()) << page.error().detail;
  EXPECT_EQ(total, 2u);
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ(page->front(), Sub("t", "s2", 2));  // creation order, offset 1
  auto none = subs().ListSubscriptions("nobody", 0, 10, &total);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty());
  EXPECT_EQ(total, 0u);

  auto updated = Sub("t", "s1", 1);
  updated.document = R"({"description":"changed"})";
  updated.state.status = "inactive";
  updated.state.times_sent = 99;  // counters are not the client's to set
  ASSERT_TRUE(Wait([&](WriteDone d) { subs().UpdateSubscription(updated, std::move(d)); }));
  auto found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->document, updated.document);
  EXPECT_EQ((*found)->state.status, "inactive");
  EXPECT_EQ((*found)->state.times_sent, 0);
  auto missing =
      Wait([&](WriteDone d) { subs().UpdateSubscription(Sub("t", "nope"), std::move(d)); });
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().code, base::ErrorCode::kResourceNotFound);

  ASSERT_TRUE(Wait([&](WriteDone d) { subs().EraseSubscription("t", "s1", std::move(d)); }));
  auto erased = Wait([&](WriteDone d) { subs().EraseSubscription("t", "s1", std::move(d)); });
  ASSERT_FALSE(erased.has_value());
  EXPECT_EQ(erased.error().code, base::ErrorCode::kResourceNotFound);
  Reopen();
  auto all = subs().LoadSubscriptions();
  ASSERT_TRUE(all.has_value());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].id, "s2");
  EXPECT_EQ((*all)[1].tenant, "other");
}

TEST_P(SubscriptionConformance, JournalRecordsChangesOnlyOfTenantsWithSubscriptions) {
  std::atomic<int> signals{0};
  subs().SetChangeListener([&signals] { ++signals; });
  PutRoom("quiet", Room("R0", 1), "c0");
  EXPECT_TRUE(Changes().empty()) << "a tenant without subscriptions journals nothing";
  EXPECT_EQ(signals.load(), 0);

  Create(Sub("t", "s1"));
  PutRoom("t", Room("R1", 20), "c1");  // creation
  PutRoom("t", Room("R1", 21), "c2");  // update
  PutRoom("t", Room("R1", 21), "c3");  // no change: no row
  auto failed = store().Write("t", [](WriteTransaction& tx) -> base::Result<void> {
    RENKEI_TRY_VOID(tx.Put(Room("R2", 1)));
    return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", "rolled back");
  });
  ASSERT_FALSE(failed.has_value());
  ASSERT_TRUE(store().Write("t", [](WriteTransaction& tx) {
    tx.SetCorrelator("c4");
    return tx.Erase("R1", "Room", "/");
  }));
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].tenant, "t");
  EXPECT_EQ(changes[0].correlator, "c1");
  EXPECT_FALSE(changes[0].before.has_value());
  ASSERT_TRUE(changes[0].after.has_value());
  EXPECT_EQ(*changes[0].after, Room("R1", 20));
  EXPECT_EQ(changes[1].correlator, "c2");
  EXPECT_EQ(*changes[1].before, Room("R1", 20));
  EXPECT_EQ(*changes[1].after, Room("R1", 21));
  EXPECT_EQ(changes[2].correlator, "c4");
  EXPECT_EQ(*changes[2].before, Room("R1", 21));
  EXPECT_FALSE(changes[2].after.has_value());
  EXPECT_LT(changes[0].seq, changes[1].seq);
  // The listener heard of the journal rows: once per commit that wrote some, and a backend
  // may commit several units' rows together (the write log's applier does).
  EXPECT_GE(signals.load(), 1);

  // The journal survives a restart until it is consumed.
  Reopen();
  changes = Changes();
  ASSERT_EQ(changes.size(), 3u);
  auto later = subs().LoadChanges(changes[1].seq, 10);
  ASSERT_TRUE(later.has_value());
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ(later->front().seq, changes[2].seq);

  // Without subscriptions again, writes stop journaling.
  ASSERT_TRUE(Wait([&](WriteDone d) { subs().EraseSubscription("t", "s1", std::move(d)); }));
  PutRoom("t", Room("R5", 5), "c5");
  EXPECT_EQ(Changes().size(), 3u);
}

TEST_P(SubscriptionConformance, CommitMatchesConsumesJournalFillsOutboxAndCaps) {
  Create(Sub("t", "s1"));
  Create(Sub("t", "once"));
  PutRoom("t", Room("R1", 20), "c1");
  PutRoom("t", Room("R2", 20), "c2");
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u);

  MatchCommit commit;
  commit.consumed_through = changes[0].seq;
  commit.entries = {Entry("t", "s1", "p1"), Entry("t", "s1", "p2"), Entry("t", "once", "o1"),
                    Entry("t", "s1", "p3")};
  commit.deactivate = {{"t", "once"}};
  commit.max_outbox_per_tenant = 3;
  auto dropped = Commit(commit);
  ASSERT_TRUE(dropped.has_value()) << dropped.error().detail;
  EXPECT_EQ(*dropped, 1u) << "the fourth entry is beyond the tenant's cap of 3";
  changes = Changes();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].correlator, "c2");
  auto count = subs().CountOutbox("t");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 3u);
  auto once = subs().FindSubscription("t", "once");
  ASSERT_TRUE(once.has_value() && once->has_value());
  EXPECT_EQ((*once)->state.status, "inactive");

  Reopen();
  auto heads = subs().LoadOutboxHeads(10);
  ASSERT_TRUE(heads.has_value()) << heads.error().detail;
  ASSERT_EQ(heads->size(), 2u) << "one head per subscription";
  std::map<std::string, std::string> head_payload;
  for (const auto& h : *heads) head_payload[h.subscription_id] = h.payload;
  EXPECT_EQ(head_payload["s1"], "p1");
  EXPECT_EQ(head_payload["once"], "o1");
}

TEST_P(SubscriptionConformance, DeliveriesKeepOrderCountAndDeactivateAtMaxFails) {
  Create(Sub("t", "s1"));
  MatchCommit commit;
  commit.entries = {Entry("t", "s1", "p1"), Entry("t", "s1", "p2")};
  ASSERT_TRUE(Commit(commit).has_value());
  auto heads = subs().LoadOutboxHeads(10);
  ASSERT_TRUE(heads.has_value());
  ASSERT_EQ(heads->size(), 1u);
  const OutboxEntry first = heads->front();
  EXPECT_EQ(first.payload, "p1");

  DeliveryRecord failure = FailureOf(first.seq);
  failure.first_attempt = true;
  auto recorded = Record(failure);
  ASSERT_TRUE(recorded.has_value()) << recorded.error().detail;
  EXPECT_FALSE(*recorded);
  heads = subs().LoadOutboxHeads(10);
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ(heads->front().payload, "p1") << "a failed head stays first: order is kept";
  EXPECT_EQ(heads->front().attempts, 1);
  EXPECT_EQ(heads->front().next_attempt, base::Timestamp{7000});
  EXPECT_FALSE(heads->front().untried_behind) << "p2 failed with p1";
  auto found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  // p1 failed, and p2 behind it, never tried, with it: two notifications, as Orion counts.
  EXPECT_EQ((*found)->state.times_sent, 2);
  EXPECT_EQ((*found)->state.fails_counter, 2);
  EXPECT_EQ((*found)->state.times_failed, 2);

  // A new notification behind the waiting head makes it due at once.
  commit.entries = {Entry("t", "s1", "p3")};
  commit.entries[0].next_attempt = base::Timestamp{6500};
  ASSERT_TRUE(Commit(commit).has_value());
  heads = subs().LoadOutboxHeads(10);
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ(heads->front().payload, "p1");
  EXPECT_TRUE(heads->front().untried_behind);
  EXPECT_EQ(heads->front().next_attempt, base::Timestamp{6500});
  // Its retry fails: p1 and p2 are not counted again, p3 is.
  failure.first_attempt = false;
  failure.at = base::Timestamp{6600};
  ASSERT_TRUE(Record(failure).has_value());
  found = subs().FindSubscription("t", "s1");
  EXPECT_EQ((*found)->state.times_sent, 3);
  EXPECT_EQ((*found)->state.fails_counter, 3);
  EXPECT_EQ((*found)->state.last_failure, base::Timestamp{6600});

  DeliveryRecord success{first.seq, "t", "s1",  base::Timestamp{8000}, true,
                         204,       "",  false, base::Timestamp{},     std::nullopt};
  ASSERT_TRUE(Record(success).has_value());
  heads = subs().LoadOutboxHeads(10);
  ASSERT_EQ(heads->size(), 1u);
  EXPECT_EQ(heads->front().payload, "p2");
  found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const SubscriptionState& st = (*found)->state;
  EXPECT_EQ(st.times_sent, 3) << "a retry delivered was counted at its first attempt";
  EXPECT_EQ(st.fails_counter, 0);
  EXPECT_EQ(st.last_notification, base::Timestamp{8000});
  EXPECT_EQ(st.last_success, base::Timestamp{8000});
  EXPECT_EQ(st.last_success_code, 204);
  EXPECT_EQ(st.last_failure, base::Timestamp{6600});
  EXPECT_EQ(st.last_failure_reason, "HTTP status 500");
  EXPECT_EQ(st.status, "active");

  // maxFailsLimit 2: inactive when failsCounter is greater (Orion), queue emptied.
  failure.seq = heads->front().seq;
  failure.max_fails_limit = 2;
  failure.first_attempt = true;
  for (int i = 0; i < 2; ++i) {
    recorded = Record(failure);
    ASSERT_TRUE(recorded.has_value());
    EXPECT_FALSE(*recorded) << i;
  }
  recorded = Record(failure);
  ASSERT_TRUE(recorded.has_value());
  EXPECT_TRUE(*recorded);
  Reopen();
  found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->state.status, "inactive");
  EXPECT_EQ((*found)->state.fails_counter, 3);
  auto count = subs().CountOutbox("t");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0u);
  // A record for a row or subscription deleted meanwhile is no error.
  ASSERT_TRUE(Record(success).has_value());
}

// What the request wrote travels with its journal row (WriteTransaction::NoteWrittenAttributes,
// EntityChange::written): an entity rewritten exactly as it was (the same value within the
// same millisecond, so even its modification times are equal) is journaled when the request
// names what it wrote, with the names and the forcedUpdate mark, so that matching need not
// guess from modification times; a unit that names nothing journals as before (no row for
// an unchanged entity, `written` absent on a changed one). JournalPosition follows the
// newest committed row.
TEST_P(SubscriptionConformance, JournalRowsCarryTheAttributesTheRequestWrote) {
  EXPECT_EQ(subs().JournalPosition(), 0);
  Create(Sub("t", "s1"));
  const core::Entity room = Room("R1", 20);
  PutRoom("t", room, "created");
  auto write = [&](const char* correlator, const core::Entity& entity, bool forced,
                   std::vector<std::string> names, bool note) {
    auto done = store().Write("t", [&](WriteTransaction& tx) {
      tx.SetCorrelator(correlator);
      if (forced) tx.SetForcedUpdate();
      if (note) tx.NoteWrittenAttributes(entity, names);
      return tx.Put(entity);
    });
    ASSERT_TRUE(done.has_value()) << done.error().detail;
  };
  write("forced", room, true, {"temperature"}, true);
  write("rewritten", room, false, {"temperature"}, true);
  write("silent", room, false, {}, false);  // nothing changed, nothing named: no row
  write("nothing", room, false, {}, true);  // named, but nothing written: no row
  write("changed", Room("R1", 21), false, {}, false);
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_FALSE(changes[0].written.has_value()) << "a creation named nothing";
  EXPECT_EQ(changes[1].correlator, "forced");
  EXPECT_TRUE(changes[1].forced_update);
  EXPECT_EQ(changes[1].written, std::vector<std::string>{"temperature"});
  EXPECT_EQ(*changes[1].before, *changes[1].after) << "written unchanged, same millisecond";
  EXPECT_EQ(changes[2].correlator, "rewritten");
  EXPECT_FALSE(changes[2].forced_update);
  EXPECT_EQ(changes[2].written, std::vector<std::string>{"temperature"});
  EXPECT_EQ(changes[3].correlator, "changed");
  EXPECT_FALSE(changes[3].written.has_value());
  EXPECT_EQ(subs().JournalPosition(), changes[3].seq);
  Reopen();
  changes = Changes();
  ASSERT_EQ(changes.size(), 4u);
  EXPECT_EQ(changes[1].written, std::vector<std::string>{"temperature"});
  EXPECT_EQ(subs().JournalPosition(), changes[3].seq);
}

// The journal filter (SetJournalFilter): a change the filter refuses gets no row, whatever
// the kind of change; the filter sees the tenant and the entity's id, once per write unit.
TEST_P(SubscriptionConformance, JournalFilterLeavesOutChangesNoSubscriptionCanSelect) {
  std::mutex mu;
  std::vector<std::string> asked;
  subs().SetJournalFilter([&](const std::string& tenant, std::string_view entity_id) {
    std::lock_guard lock(mu);
    asked.push_back(tenant + "/" + std::string(entity_id));
    return entity_id != "Ignored";
  });
  Create(Sub("t", "s1"));
  PutRoom("t", Room("Ignored", 1), "c1");
  PutRoom("t", Room("Watched", 1), "c2");
  PutRoom("t", Room("Ignored", 2), "c3");
  ASSERT_TRUE(store().Write("t", [](WriteTransaction& tx) {
    tx.SetCorrelator("c4");
    return tx.Erase("Ignored", "Room", "/");
  }));
  ASSERT_TRUE(store().Write("t", [](WriteTransaction& tx) {
    tx.SetCorrelator("c5");
    return tx.Erase("Watched", "Room", "/");
  }));
  auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].correlator, "c2");
  EXPECT_EQ(changes[1].correlator, "c5");
  EXPECT_FALSE(changes[1].after.has_value()) << "the deletion of a watched entity is kept";
  std::lock_guard lock(mu);
  EXPECT_EQ(asked, (std::vector<std::string>{"t/Ignored", "t/Watched", "t/Ignored", "t/Ignored",
                                             "t/Watched"}));
}

// A delivery batch (delivery_worker.hpp): the rows behind a head are read in order, and the
// attempts recorded in one commit remove the delivered rows, keep the failed one first with
// its retry time and leave the rest queued behind it; the counters add up as if recorded one
// by one, and nothing of another subscription is touched.
TEST_P(SubscriptionConformance, BatchedDeliveriesKeepOrderAndLeaveTheRestQueued) {
  Create(Sub("t", "s1"));
  Create(Sub("t", "s2"));
  MatchCommit commit;
  for (const char* payload : {"a1", "a2", "a3", "a4", "a5"}) {
    commit.entries.push_back(Entry("t", "s1", payload));
  }
  commit.entries.push_back(Entry("t", "s2", "b1"));
  ASSERT_TRUE(Commit(commit).has_value());
  auto heads = subs().LoadOutboxHeads(10);
  ASSERT_TRUE(heads.has_value());
  ASSERT_EQ(heads->size(), 2u);
  const OutboxEntry head = heads->front().subscription_id == "s1" ? (*heads)[0] : (*heads)[1];
  ASSERT_EQ(head.payload, "a1");

  auto queued = subs().LoadOutboxQueue("t", "s1", head.seq, 3);
  ASSERT_TRUE(queued.has_value()) << queued.error().detail;
  std::vector<std::string> payloads;
  for (const auto& e : *queued) payloads.push_back(e.payload);
  EXPECT_EQ(payloads, (std::vector<std::string>{"a2", "a3", "a4"})) << "in order, limited";
  auto none = subs().LoadOutboxQueue("u", "s1", 0, 10);
  ASSERT_TRUE(none.has_value());
  EXPECT_TRUE(none->empty()) << "another tenant's queue is empty";

  // a1, a2 delivered, a3 failed: one commit.
  auto success = [](const OutboxEntry& e, std::int64_t at) {
    DeliveryRecord r{e.seq, "t", "s1",  base::Timestamp{at}, true,
                     201,   "",  false, base::Timestamp{},   std::nullopt};
    r.first_attempt = true;
    return r;
  };
  std::vector<DeliveryRecord> records{success(head, 6000), success((*queued)[0], 6001)};
  records.push_back(DeliveryRecord{(*queued)[1].seq, "t", "s1", base::Timestamp{6002}, false, 503,
                                   "HTTP status 503", false, base::Timestamp{9000}, std::nullopt});
  records.back().first_attempt = true;
  auto recorded = WaitFor<bool>(
      [&](auto done) { subs().RecordDeliveries(std::move(records), std::move(done)); });
  ASSERT_TRUE(recorded.has_value()) << recorded.error().detail;
  EXPECT_FALSE(*recorded);

  Reopen();
  queued = subs().LoadOutboxQueue("t", "s1", 0, 10);
  ASSERT_TRUE(queued.has_value());
  payloads.clear();
  for (const auto& e : *queued) payloads.push_back(e.payload);
  EXPECT_EQ(payloads, (std::vector<std::string>{"a3", "a4", "a5"}))
      << "delivered rows gone; the failed one stays first";
  EXPECT_EQ(queued->front().attempts, 1);
  EXPECT_EQ(queued->front().next_attempt, base::Timestamp{9000});
  EXPECT_EQ((*queued)[1].attempts, 1) << "a4 and a5, never tried, failed with a3";
  auto found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  const SubscriptionState& st = (*found)->state;
  EXPECT_EQ(st.times_sent, 5);
  EXPECT_EQ(st.fails_counter, 3);
  EXPECT_EQ(st.last_success, base::Timestamp{6001});
  EXPECT_EQ(st.last_success_code, 201);
  EXPECT_EQ(st.last_failure, base::Timestamp{6002});
  EXPECT_EQ(st.last_notification, base::Timestamp{6002});
  auto other = subs().LoadOutboxQueue("t", "s2", 0, 10);
  ASSERT_TRUE(other.has_value());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ(other->front().payload, "b1");
  found = subs().FindSubscription("t", "s2");
  EXPECT_EQ((*found)->state.times_sent, 0);
}

TEST_P(SubscriptionConformance, WithheldRowsGoWithoutCountingAndEntitiesSurvive) {
  Create(Sub("t", "s1"));
  MatchCommit commit;
  for (const char* payload : {"w1", "w2", "w3"}) {
    OutboxEntry entry = Entry("t", "s1", payload);
    entry.entities = std::string(R"([{"id":")") + payload + R"("}])";
    commit.entries.push_back(std::move(entry));
  }
  ASSERT_TRUE(Commit(commit).has_value());
  Reopen();
  auto queued = subs().LoadOutboxQueue("t", "s1", 0, 10);
  ASSERT_TRUE(queued.has_value()) << queued.error().detail;
  ASSERT_EQ(queued->size(), 3u);
  EXPECT_EQ((*queued)[1].entities, R"([{"id":"w2"}])") << "the notified entities are kept";

  // w1 withheld, w2 delivered, w3 withheld: only w2 counts.
  auto record = [](const OutboxEntry& e, std::int64_t at, bool delivered) {
    DeliveryRecord r;
    r.seq = e.seq;
    r.tenant = "t";
    r.subscription_id = "s1";
    r.at = base::Timestamp{at};
    r.delivered = delivered;
    r.status_code = delivered ? std::optional<int>(200) : std::nullopt;
    r.withheld = !delivered;
    r.first_attempt = true;
    return r;
  };
  std::vector<DeliveryRecord> records{record((*queued)[0], 7000, false),
                                      record((*queued)[1], 7001, true),
                                      record((*queued)[2], 7002, false)};
  auto recorded = WaitFor<bool>(
      [&](auto done) { subs().RecordDeliveries(std::move(records), std::move(done)); });
  ASSERT_TRUE(recorded.has_value()) << recorded.error().detail;
  EXPECT_FALSE(*recorded);
  auto count = subs().CountOutbox("t");
  ASSERT_TRUE(count.has_value());
  EXPECT_EQ(*count, 0u) << "withheld rows leave the outbox";
  auto found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->state.times_sent, 1) << "a withheld row is not a notification sent";
  EXPECT_EQ((*found)->state.fails_counter, 0) << "nor a failure";
  EXPECT_EQ((*found)->state.last_success, base::Timestamp{7001});
  EXPECT_FALSE((*found)->state.last_failure.has_value());
}

TEST_P(SubscriptionConformance, AttemptsCountOneByOneWhenTheRecordSaysSo) {
  // NGSI-LD's counting (DeliveryRecord::counts_attempts): every attempt, and nothing for the
  // rows behind a failure, which get attempts of their own.
  Create(Sub("t", "s1"));
  MatchCommit commit;
  commit.entries = {Entry("t", "s1", "p1"), Entry("t", "s1", "p2")};
  ASSERT_TRUE(Commit(commit).has_value());
  auto heads = subs().LoadOutboxHeads(10);
  ASSERT_TRUE(heads.has_value() && heads->size() == 1u);
  DeliveryRecord failure = FailureOf(heads->front().seq);
  failure.counts_attempts = true;
  for (int i = 0; i < 2; ++i) ASSERT_TRUE(Record(failure).has_value());
  auto found = subs().FindSubscription("t", "s1");
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->state.times_sent, 2);
  EXPECT_EQ((*found)->state.times_failed, 2);
  auto queued = subs().LoadOutboxQueue("t", "s1", 0, 10);
  ASSERT_TRUE(queued.has_value() && queued->size() == 2u);
  EXPECT_EQ((*queued)[0].attempts, 2);
  EXPECT_EQ((*queued)[1].attempts, 0) << "p2 was not attempted";
}

TEST_P(SubscriptionConformance, PendingNotificationsAreTheUntriedAndTheDue) {
  Create(Sub("t", "s1"));
  auto pending = subs().HasPendingNotifications("t", "s1", base::Timestamp{5000});
  ASSERT_TRUE(pending.has_value()) << pending.error().detail;
  EXPECT_FALSE(*pending) << "nothing written, nothing queued";
  MatchCommit commit;
  commit.entries = {Entry("t", "s1", "p1")};
  ASSERT_TRUE(Commit(commit).has_value());
  EXPECT_TRUE(*subs().HasPendingNotifications("t", "s1", base::Timestamp{5000})) << "untried";
  EXPECT_FALSE(*subs().HasPendingNotifications("t", "other", base::Timestamp{5000}));
  auto heads = subs().LoadOutboxHeads(10);
  ASSERT_TRUE(heads.has_value() && heads->size() == 1u);
  DeliveryRecord failure = FailureOf(heads->front().seq);
  failure.first_attempt = true;
  ASSERT_TRUE(Record(failure).has_value());
  EXPECT_FALSE(*subs().HasPendingNotifications("t", "s1", base::Timestamp{6500}))
      << "a retry's back-off is not waited for";
  EXPECT_TRUE(*subs().HasPendingNotifications("t", "s1", base::Timestamp{7000})) << "due";
}

}  // namespace renkei::store::testing
