// Value indexes on demand (docs/adr/0018-value-index-on-demand.md): a tenant's first query
// on an attribute name filters documents, its index is built in the background while writes
// go on, and from then on the same queries run through attr_index with the same answers;
// builds survive restarts, and a change of policy leaves attr_index complete.
#include <chrono>
#include <filesystem>
#include <future>
#include <random>
#include <set>
#include <thread>

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "core/q/filter.hpp"
#include "store/sqlite/query_runner.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace renkei::store::testing {
namespace {

using sqlite::ValueIndexPolicy;

class SqliteValueIndex : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("renkei-vindex-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  }
  void TearDown() override {
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void Open(ValueIndexPolicy policy, std::size_t step = 64, std::size_t max_per_tenant = 64) {
    if (store_ != nullptr) store_->Close();
    store_.reset();
    sqlite::SqliteOptions options;
    options.data_dir = dir_.string();
    options.max_readers = 4;
    options.value_index = policy;
    options.value_index_step = step;
    options.max_value_indexes_per_tenant = max_per_tenant;
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    store_ = std::move(*store);
  }

  static core::Entity Room(int i, int temperature) {
    core::Entity e;
    e.id = "R" + std::to_string(i);
    e.types = {"Room"};
    e.service_path = "/";
    core::Attribute a;
    a.type = "Number";
    if (i % 11 != 0) {  // some rooms have no temperature (existence tests)
      a.name = "temperature";
      a.value = temperature;
      e.attributes.push_back(a);
    }
    a.name = "name";
    a.type = "Text";
    a.value = "n" + std::to_string(i % 3);
    e.attributes.push_back(a);
    if (i % 50 == 0) {  // an array: an opaque row
      a.name = "temperature";
      a.type = "StructuredValue";
      a.value = boost::json::parse("[1, 3]");
      if (i % 11 != 0) e.attributes.front() = a;
    }
    return e;
  }

  void WriteRooms(int from, int to, int shift = 0) {
    auto written = store_->Write("t", [&](WriteTransaction& txn) -> base::Result<void> {
      for (int i = from; i < to; ++i) RENKEI_TRY_VOID(txn.Put(Room(i, (i + shift) % 7)));
      return base::Ok();
    });
    ASSERT_TRUE(written.has_value()) << written.error().detail;
  }

  static EntityQuery RoomQuery(std::string_view q) {
    EntityQuery query;
    query.now = base::Timestamp{1};
    EntitySelector room;
    room.type = "Room";
    query.selectors = {room};
    query.limit = 100000;
    query.want_count = true;
    if (!q.empty()) query.q = *core::q::ParseV2Query(q);
    return query;
  }

  std::vector<std::string> Ids(std::string_view q) {
    auto page = store_->Query("t", RoomQuery(q));
    EXPECT_TRUE(page.has_value()) << page.error().detail;
    std::vector<std::string> ids;
    if (!page) return ids;
    for (const auto& e : page->entities) ids.push_back(e.id);
    EXPECT_EQ(page->total_count, ids.size());
    return ids;
  }

  // What the filter selects, decided in C++ over every room (the reference answer).
  std::vector<std::string> Reference(std::string_view q) {
    auto all = store_->Query("t", RoomQuery(""));
    EXPECT_TRUE(all.has_value());
    auto filter = *core::q::ParseV2Query(q);
    std::vector<std::string> ids;
    for (const auto& e : all->entities) {
      if (filter.Matches(e)) ids.push_back(e.id);
    }
    return ids;
  }

  void Build(std::vector<std::string> names) {
    auto result = store_->BuildValueIndexes("t", std::move(names));
    ASSERT_TRUE(result.has_value()) << result.error().detail;
  }

  void WaitUntilNoBuild() {
    for (int i = 0; i < 2000 && store_->ValueIndexesBuilding() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    ASSERT_EQ(store_->ValueIndexesBuilding(), 0u);
  }

  std::string Plan(std::string_view q, ValueIndexPolicy policy) {
    sqlite::ConnectionOptions read_only;
    read_only.read_only = true;
    auto conn = sqlite::Connection::Open((dir_ / "renkei.db").string(), read_only);
    EXPECT_TRUE(conn.has_value());
    if (!conn) return "";
    auto plan = sqlite::ExplainQuery(**conn, 1, RoomQuery(q), policy);
    EXPECT_TRUE(plan.has_value());
    return plan ? *plan : "";
  }

  // Whether the plan reads attr_index: driving from a value index (`d`) or probing the
  // entity's row of the name (`a`, when the name has opaque rows and cannot drive).
  bool UsesValueIndex(std::string_view q) {
    const auto plan = Plan(q, ValueIndexPolicy::kOnDemand);
    return plan.find("attr_index") != std::string::npos ||
           plan.find("SEARCH a USING PRIMARY KEY (entity=? AND name=?)") != std::string::npos;
  }

  std::filesystem::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

const std::vector<std::string_view> kQueries = {
    "temperature==3", "temperature>4;name=='n1'", "temperature", "!temperature",
    "temperature==1", "name=='n2';temperature<2", "name~=n[01]", "temperature==0..2"};

TEST_F(SqliteValueIndex, FirstQueryFiltersDocumentsThenTheIndexAnswersTheSame) {
  Open(ValueIndexPolicy::kOnDemand);
  WriteRooms(0, 500);
  EXPECT_FALSE(UsesValueIndex("temperature==3"));
  std::vector<std::vector<std::string>> first;
  for (auto q : kQueries) {
    first.push_back(Ids(q));
    EXPECT_EQ(first.back(), Reference(q)) << q;
  }
  EXPECT_FALSE(first[0].empty());
  // The queries asked for the indexes of temperature and name; the builds run meanwhile.
  WaitUntilNoBuild();
  EXPECT_TRUE(UsesValueIndex("temperature==3"));
  EXPECT_NE(Plan("name=='n1'", ValueIndexPolicy::kOnDemand).find("attr_index_txt"),
            std::string::npos);
  for (std::size_t i = 0; i < kQueries.size(); ++i) EXPECT_EQ(Ids(kQueries[i]), first[i]);
  // A name never queried stays without rows: writes do not pay for it.
  EXPECT_FALSE(UsesValueIndex("humidity==3"));
}

TEST_F(SqliteValueIndex, ATenantsIndexesAreCapped) {
  Open(ValueIndexPolicy::kOnDemand, 64, /*max_per_tenant=*/1);
  WriteRooms(0, 200);
  EXPECT_EQ(Ids("temperature==3"), Reference("temperature==3"));
  WaitUntilNoBuild();
  EXPECT_TRUE(UsesValueIndex("temperature==3"));
  // The cap is reached: `name` gets no index, and its queries still answer.
  EXPECT_EQ(Ids("name=='n1'"), Reference("name=='n1'"));
  EXPECT_EQ(store_->ValueIndexesBuilding(), 0u);
  WaitUntilNoBuild();
  EXPECT_FALSE(UsesValueIndex("name=='n1'"));
  EXPECT_EQ(Ids("name=='n1'"), Reference("name=='n1'"));
}

TEST_F(SqliteValueIndex, WritesDuringTheBuildAreIndexed) {
  Open(ValueIndexPolicy::kOnDemand, /*step=*/25);
  WriteRooms(0, 1000);
  auto done = std::async(std::launch::async,
                         [this] { return store_->BuildValueIndexes("t", {"temperature"}); });
  // Updates behind and ahead of the build's position, new rooms and deletions, until it ends.
  int round = 0;
  while (done.wait_for(std::chrono::milliseconds(0)) != std::future_status::ready) {
    ++round;
    const int base = (round * 37) % 900;
    WriteRooms(base, base + 40, round);
    WriteRooms(1000 + round * 3, 1000 + round * 3 + 3, round);
    auto erased = store_->Write("t", [&](WriteTransaction& txn) -> base::Result<void> {
      auto gone = txn.Erase("R" + std::to_string((round * 53) % 1000), "Room", "/");
      if (!gone && gone.error().code != base::ErrorCode::kResourceNotFound) return gone;
      return base::Ok();
    });
    ASSERT_TRUE(erased.has_value()) << erased.error().detail;
  }
  auto result = done.get();
  ASSERT_TRUE(result.has_value()) << result.error().detail;
  EXPECT_GT(round, 1);  // writes did interleave with build steps
  EXPECT_TRUE(UsesValueIndex("temperature==3"));
  for (auto q : {"temperature==3", "temperature>=5", "temperature", "!temperature"}) {
    EXPECT_EQ(Ids(q), Reference(q)) << q;
  }
}

TEST_F(SqliteValueIndex, BuildsGoOnAfterARestartAndPolicySwitchesKeepAnswers) {
  Open(ValueIndexPolicy::kOnDemand, /*step=*/10);
  WriteRooms(0, 400);
  // Catalogued by a query, then closed: the build may stop half way.
  EXPECT_EQ(Ids("temperature==2"), Reference("temperature==2"));
  Open(ValueIndexPolicy::kOnDemand, /*step=*/10);
  WaitUntilNoBuild();
  EXPECT_TRUE(UsesValueIndex("temperature==2"));
  WriteRooms(400, 450, 3);  // after the restart: written with their rows
  EXPECT_EQ(Ids("temperature==2"), Reference("temperature==2"));

  // To every name indexed: attr_index is rewritten, `name` included.
  Open(ValueIndexPolicy::kAll);
  EXPECT_EQ(Ids("name=='n1'"), Reference("name=='n1'"));
  EXPECT_EQ(Ids("temperature<3"), Reference("temperature<3"));
  WriteRooms(0, 20, 5);
  // And back: every name with rows is catalogued as ready, none is rebuilt.
  Open(ValueIndexPolicy::kOnDemand);
  EXPECT_NE(Plan("name=='n1'", ValueIndexPolicy::kOnDemand).find("attr_index_txt"),
            std::string::npos);
  EXPECT_EQ(Ids("name=='n1'"), Reference("name=='n1'"));
  EXPECT_EQ(Ids("temperature<3"), Reference("temperature<3"));
  EXPECT_EQ(store_->ValueIndexesBuilding(), 0u);
}

}  // namespace
}  // namespace renkei::store::testing
