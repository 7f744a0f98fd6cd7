// Subscriptions see what a write did as it committed, through the real write path (the
// service's write units, the SQLite store in both modes, the journal, the matcher), with the
// request time given by hand (RequestContext::now) so that two writes fall in one
// millisecond:
//  - the attributes a request wrote travel with its journal row (EntityChange::written), so
//    a forced update or an unchanged update within the millisecond of the previous write
//    still notifies (Orion cases 3389 forced_update_option, 4211 ..._with_entityUpdate).
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>

#include "notify/matcher.hpp"
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
        [&](auto done) { entities_->Create(ctx_, std::move(e), {}, false, std::move(done)); });
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

std::string ModeName(const ::testing::TestParamInfo<bool>& mode) {
  return mode.param ? "WriteLog" : "Direct";
}

INSTANTIATE_TEST_SUITE_P(Store, NotifyJournal, ::testing::Values(false, true), ModeName);

}  // namespace
}  // namespace renkei
