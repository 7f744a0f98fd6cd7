// Subscriptions see what a write did as it committed, through the real write path (the
// service's write units, the SQLite store in both modes, the journal, the matcher), with the
// request time given by hand (RequestContext::now) so that two writes fall in one
// millisecond:
//  - the attributes a request wrote travel with its journal row (EntityChange::written), so
//    a forced update or an unchanged update within the millisecond of the previous write
//    still notifies (Orion cases 3389 forced_update_option, 4211 ..._with_entityUpdate);
//  - a write is matched against the subscriptions as they were when it committed, however
//    late matching runs (Orion case 1678_geosubscriptions: a subscription edited right after
//    a write).
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <map>
#include <random>

#include "notify/matcher.hpp"
#include "notify/matching_worker.hpp"
#include "notify/subscription_registry.hpp"
#include "service/entity_service.hpp"
#include "service/subscription_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace renkei {
namespace {

template <typename T>
base::Result<T> Await(const std::function<void(service::Callback<T>)>& submit) {
  std::promise<base::Result<T>> promise;
  auto future = promise.get_future();
  submit([&promise](base::Result<T> r) { promise.set_value(std::move(r)); });
  return future.get();
}

class FixedClock final : public base::Clock {
 public:
  base::Timestamp Now() const override { return base::Timestamp{5000}; }
};

core::Attribute Number(std::string name, double value) {
  core::Attribute a;
  a.name = std::move(name);
  a.type = "Number";
  a.value = value;
  return a;
}

// Parameter: the store's write_log setting.
class NotifyJournal : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("renkei-notify-journal-" + std::to_string(std::random_device{}()));
    store::sqlite::SqliteOptions options;
    options.data_dir = dir_.string();
    options.write_log = GetParam();
    auto opened = store::sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(opened.has_value()) << opened.error().detail;
    store_ = std::move(*opened);
    entities_ = std::make_unique<service::EntityService>(*store_);
    subscriptions_ = std::make_unique<service::SubscriptionService>(
        *store_, registry_, service::SubscriptionLimits{}, nullptr);
    ctx_.tenant = "t";
    ctx_.correlator = "corr";
    ctx_.now = base::Timestamp{1000};
  }
  void TearDown() override {
    subscriptions_.reset();
    entities_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string Subscribe(notify::Subscription sub) {
    if (sub.entities.empty()) {
      store::EntitySelector any;
      any.id_pattern = ".*";
      sub.entities.push_back(any);
    }
    sub.http = notify::HttpReceiver{};
    sub.http->url = "http://127.0.0.1:9/notify";
    auto id = Await<std::string>(
        [&](auto done) { subscriptions_->Create(ctx_, std::move(sub), std::move(done)); });
    EXPECT_TRUE(id.has_value()) << id.error().detail;
    return id ? *id : std::string();
  }
  void CreateEntity(const std::string& id, std::vector<core::Attribute> attributes) {
    core::Entity e;
    e.id = id;
    e.types = {"T"};
    e.attributes = std::move(attributes);
    auto created = Await<bool>(
        [&](auto done) { entities_->Create(ctx_, std::move(e), {}, false, {}, std::move(done)); });
    ASSERT_TRUE(created.has_value()) << created.error().detail;
  }
  void Patch(const std::string& id, core::Attribute attribute, bool forced) {
    service::WriteOptions options;
    options.forced_update = forced;
    auto written = Await<void>([&](auto done) {
      entities_->WriteAttributes(ctx_, {id, "T"}, {{std::move(attribute), false, false}},
                                 service::AttributeWriteMode::kUpdateOnly, options,
                                 std::move(done));
    });
    ASSERT_TRUE(written.has_value()) << written.error().detail;
  }
  std::vector<store::EntityChange> Changes() {
    auto changes = store_->LoadChanges(0, 100);
    EXPECT_TRUE(changes.has_value()) << changes.error().detail;
    return changes ? *changes : std::vector<store::EntityChange>{};
  }
  static std::shared_ptr<const notify::CompiledSubscription> Compile(notify::Subscription sub) {
    store::EntitySelector any;
    any.id_pattern = ".*";
    sub.entities.push_back(any);
    auto compiled = notify::CompiledSubscription::Compile("t", std::move(sub));
    EXPECT_TRUE(compiled.has_value()) << compiled.error().detail;
    return *compiled;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::sqlite::SqliteStore> store_;
  notify::SubscriptionRegistry registry_;
  std::unique_ptr<service::EntityService> entities_;
  std::unique_ptr<service::SubscriptionService> subscriptions_;
  service::RequestContext ctx_;
};

// `?options=forcedUpdate` rewriting a value as it was, in the millisecond of the entity's
// creation: nothing differs, not even a modification time, yet a subscription on that
// attribute (default alteration types) is notified.
TEST_P(NotifyJournal, AForcedUpdateInTheSameMillisecondNotifies) {
  notify::Subscription watching;
  watching.condition_attrs = {"A"};
  Subscribe(watching);
  CreateEntity("E", {Number("A", 1), Number("B", 2)});
  Patch("E", Number("A", 1), true);
  const auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u);
  ASSERT_TRUE(changes[1].before && changes[1].after);
  EXPECT_EQ(*changes[1].before, *changes[1].after) << "same value, same millisecond";
  EXPECT_TRUE(changes[1].forced_update);
  auto trigger = notify::Match(*Compile(watching), changes[1]);
  ASSERT_TRUE(trigger.has_value()) << "the forced update wrote A";
  EXPECT_EQ(trigger->type, notify::AlterationType::kEntityChange);
  EXPECT_EQ(trigger->changed, std::vector<std::string>{"A"});
  notify::Subscription other;
  other.condition_attrs = {"B"};
  EXPECT_FALSE(notify::Match(*Compile(other), changes[1]).has_value()) << "B was not written";
}

// Orion case 4211 ..._with_entityUpdate: an update with the value the attribute has, in the
// millisecond of the previous write, notifies an entityUpdate subscription.
TEST_P(NotifyJournal, AnUnchangedUpdateInTheSameMillisecondNotifiesEntityUpdate) {
  notify::Subscription updates;
  updates.alteration_types = {notify::AlterationType::kEntityUpdate};
  Subscribe(updates);
  CreateEntity("E", {Number("A", 1)});
  Patch("E", Number("A", 1), false);
  const auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u) << "the unchanged write is journaled";
  auto trigger = notify::Match(*Compile(updates), changes[1]);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->type, notify::AlterationType::kEntityUpdate);
  notify::Subscription changes_only;
  EXPECT_FALSE(notify::Match(*Compile(changes_only), changes[1]).has_value())
      << "nothing changed: entityChange does not fire";
}

// NGSI-LD §5.8.6: attributeUpdated fires for an attribute written with the value it had,
// also within the millisecond of its previous write; watchedAttributes sees what was written.
TEST_P(NotifyJournal, AnLdAttributeRewrittenInTheSameMillisecondIsUpdated) {
  notify::Subscription watching;
  watching.ld = notify::LdSubscription{};
  watching.condition_attrs = {"A"};
  Subscribe(watching);
  CreateEntity("E", {Number("A", 1), Number("B", 2)});
  auto edited = Await<void>([&](auto done) {
    entities_->EditEntity(
        ctx_, "E",
        [now = ctx_.now](core::Entity& entity,
                         std::vector<std::string>& written) -> base::Result<bool> {
          entity.Find("A")->modified_at = now;  // as ld_attribute_ops stamps a write
          written.push_back("A");
          return true;
        },
        std::move(done));
  });
  ASSERT_TRUE(edited.has_value()) << edited.error().detail;
  const auto changes = Changes();
  ASSERT_EQ(changes.size(), 2u);
  auto trigger = notify::MatchLd(*Compile(watching), changes[1]);
  ASSERT_TRUE(trigger.has_value());
  EXPECT_EQ(trigger->ld_trigger, notify::LdTrigger::kAttributeUpdated);
  EXPECT_EQ(trigger->changed, std::vector<std::string>{"A"});
  notify::Subscription other = watching;
  other.condition_attrs = {"B"};
  EXPECT_FALSE(notify::MatchLd(*Compile(other), changes[1]).has_value());
}

// Orion case 1678_geosubscriptions: an entity is created inside a subscription's area, then
// the subscription is moved elsewhere before matching ran. The creation committed while the
// subscription watched the old area: it is notified. A creation after the edit is matched
// against the new area. A subscription made after a write, or deleted after it, is likewise
// taken as it was when the write committed.
TEST_P(NotifyJournal, AWriteIsMatchedAgainstTheSubscriptionsAsTheyWereWhenItCommitted) {
  notify::Subscription low;
  low.q = "A<10";
  const std::string edited = Subscribe(low);
  const std::string removed = Subscribe(low);
  CreateEntity("Before", {Number("A", 5)});
  auto patched = Await<void>([&](auto done) {
    subscriptions_->Update(
        ctx_, edited,
        [](notify::Subscription& sub) -> base::Result<void> {
          sub.q = "A>100";
          return base::Ok();
        },
        std::move(done));
  });
  ASSERT_TRUE(patched.has_value()) << patched.error().detail;
  ASSERT_TRUE(
      Await<void>([&](auto done) { subscriptions_->Delete(ctx_, removed, std::move(done)); }));
  const std::string late = Subscribe(low);
  CreateEntity("After", {Number("A", 5)});

  FixedClock clock;
  notify::MatchingWorker matching(
      *store_, registry_,
      [](const core::Entity& entity, const notify::RenderRequest&) -> boost::json::value {
        return boost::json::object{{"id", entity.id}};
      },
      clock, notify::MatchingOptions{}, nullptr, nullptr);
  auto consumed = matching.RunOnce();
  ASSERT_TRUE(consumed.has_value()) << consumed.error().detail;
  EXPECT_EQ(*consumed, 2u);
  auto queued = store_->LoadOutboxHeads(100);
  ASSERT_TRUE(queued.has_value()) << queued.error().detail;
  std::map<std::string, std::vector<std::string>> notified;  // subscription → entity ids
  for (const auto& head : *queued) {
    auto rows = store_->LoadOutboxQueue("t", head.subscription_id, 0, 100);
    ASSERT_TRUE(rows.has_value());
    for (const auto& row : *rows) {
      const bool before = row.payload.find("\"Before\"") != std::string::npos;
      notified[row.subscription_id].push_back(before ? "Before" : "After");
    }
  }
  EXPECT_EQ(notified[edited], std::vector<std::string>{"Before"})
      << "Before as the old q saw it; After not under the new q";
  EXPECT_EQ(notified[removed], std::vector<std::string>{"Before"})
      << "deleted after Before committed";
  EXPECT_EQ(notified[late], std::vector<std::string>{"After"}) << "created after Before";
  // Everything is matched: the versions kept for the first write are gone.
  auto now_edited = registry_.FindFor("t", edited, 1);
  ASSERT_TRUE(now_edited.has_value());
  EXPECT_EQ(now_edited->compiled->subscription().q, "A>100");
  EXPECT_FALSE(registry_.FindFor("t", removed, 1).has_value());
}

std::string ModeName(const ::testing::TestParamInfo<bool>& mode) {
  return mode.param ? "WriteLog" : "Direct";
}

INSTANTIATE_TEST_SUITE_P(Store, NotifyJournal, ::testing::Values(false, true), ModeName);

}  // namespace
}  // namespace renkei
