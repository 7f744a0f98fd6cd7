// Runs the store conformance suite against SqliteStore, plus SQLite-only checks of the query
// plans (EXPLAIN QUERY PLAN): the conformance suite proves answers, these prove the indexes.
#include "store/sqlite/sqlite_store.hpp"

#include <algorithm>
#include <fstream>
#include <future>
#include <random>
#include <tuple>

#include <boost/json/parse.hpp>

#include "entity_store_conformance.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/query_runner.hpp"
#include "store/sqlite/record_log.hpp"
#include "store/sqlite/unit_record.hpp"
#include "subscription_conformance.hpp"

namespace renkei::store::testing {
namespace {

// `write_log`: the same suite with units acknowledged from the write log (ADR 0013 option B).
// `index_all`: every attribute indexed (ValueIndexPolicy::kAll), so that the suite's queries
// run through attr_index; by default (on demand) they mostly filter documents in C++, as a
// tenant's first query on a name does (ADR 0018; value_index_test.cpp covers the switch).
StoreFactory SqliteFactory(bool write_log, bool index_all = false) {
  return StoreFactory{
      index_all ? "SqliteIndexAll" : (write_log ? "SqliteWriteLog" : "Sqlite"),
      [write_log,
       index_all](const std::filesystem::path& dir) -> base::Result<std::unique_ptr<EntityStore>> {
        sqlite::SqliteOptions options;
        options.data_dir = dir.string();
        options.max_readers = 4;
        options.write_log = write_log;
        if (index_all) options.value_index = sqlite::ValueIndexPolicy::kAll;
        auto store = sqlite::SqliteStore::Open(options);
        if (!store) return base::Fail(store.error());
        return std::unique_ptr<EntityStore>(std::move(store.value()));
      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, EntityStoreConformance,
                         ::testing::Values(SqliteFactory(false), SqliteFactory(true),
                                           SqliteFactory(true, true)),
                         FactoryName);
INSTANTIATE_TEST_SUITE_P(Sqlite, SubscriptionConformance,
                         ::testing::Values(SqliteFactory(false), SqliteFactory(true)), FactoryName);

// A store with a few entities of tenant "t" (tenant id 1), closed; tests open a connection.
class SqlitePlan : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("renkei-plan-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    sqlite::SqliteOptions options;
    options.data_dir = dir_.string();
    options.value_index = sqlite::ValueIndexPolicy::kAll;  // the plans of indexed names
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    auto written = (*store)->Write("t", [](WriteTransaction& txn) -> base::Result<void> {
      for (int i = 0; i < 50; ++i) {
        core::Entity e;
        e.id = "E" + std::to_string(i);
        e.types = {"Room"};
        e.service_path = "/";
        core::Attribute a;
        a.name = "temperature";
        a.type = "Number";
        a.value = i % 5;
        e.attributes.push_back(a);
        a.name = "humidity";
        a.value = i % 10 * 10;
        e.attributes.push_back(a);
        core::Attribute location;
        location.name = "location";
        location.kind = core::AttributeKind::kGeoProperty;
        location.type = "geo:json";
        location.value = boost::json::parse(R"({"type":"Point","coordinates":[)" +
                                            std::to_string(135.0 + i * 0.001) + ",33.5]}");
        e.attributes.push_back(location);
        RENKEI_TRY_VOID(txn.Put(e));
      }
      return base::Ok();
    });
    ASSERT_TRUE(written.has_value());
    (*store)->Close();
    sqlite::ConnectionOptions read_only;
    read_only.read_only = true;
    auto conn = sqlite::Connection::Open((dir_ / "renkei.db").string(), read_only);
    ASSERT_TRUE(conn.has_value()) << conn.error().detail;
    conn_ = std::move(*conn);
  }
  void TearDown() override {
    conn_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::filesystem::path dir_;
  std::unique_ptr<sqlite::Connection> conn_;
};

ServicePathScope Exactly(std::string path) {
  ServicePathScope scope;
  scope.paths.push_back({std::move(path), false});
  return scope;
}

TEST_F(SqlitePlan, IdLookupUsesIdKey) {
  // The write path's lookup (scope "/") and the read path's (scope "/#", with a type).
  for (const auto& scope : {Exactly("/"), ServicePathScope::Everything(), Exactly("/a")}) {
    for (const auto& type : {std::optional<std::string>(), std::optional<std::string>("Room")}) {
      auto plan = sqlite::ExplainFindById(*conn_, 1, "E1", type, scope);
      ASSERT_TRUE(plan.has_value()) << plan.error().detail;
      EXPECT_NE(plan->find("USING INDEX sqlite_autoindex_entities_1 (tenant=? AND id=?"),
                std::string::npos)
          << *plan;
      EXPECT_EQ(plan->find("entities_service_path"), std::string::npos) << *plan;
    }
  }
}

TEST(SqliteWriter, QueuedUnitsShareOneCommit) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("renkei-writer-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  sqlite::SqliteOptions options;
  options.data_dir = dir.string();
  options.write_log = false;  // the direct path's group commit
  auto store = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().detail;
  // Hold the writer in a first unit while 100 more queue up behind it.
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> holding;
  (*store)->Submit(
      "t",
      [released, &holding](WriteTransaction&) -> base::Result<void> {
        holding.set_value();
        released.wait();
        return base::Ok();
      },
      nullptr);
  holding.get_future().wait();
  std::vector<std::future<base::Result<void>>> acks;
  for (int i = 0; i < 100; ++i) {
    auto done = std::make_shared<std::promise<base::Result<void>>>();
    acks.push_back(done->get_future());
    (*store)->Submit(
        "t", [](WriteTransaction&) -> base::Result<void> { return base::Ok(); },
        [done](base::Result<void> r) { done->set_value(std::move(r)); });
  }
  release.set_value();
  for (auto& ack : acks) EXPECT_TRUE(ack.get().has_value());
  auto stats = (*store)->Stats();
  EXPECT_EQ(stats.units, 101u);
  // The 100 queued while the holder ran join its open transaction: one commit for all.
  EXPECT_EQ(stats.commits, 1u);
  EXPECT_EQ(stats.max_units_per_commit, 101u);
  (*store)->Close();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Checkpoints run off the writer thread, yet the WAL does not grow without bound: with the
// thresholds lowered to 16 and 64 pages, 600 writes of a 3 KB entity each (over 600 pages of
// WAL) are checkpointed by both the background thread and the writer, the WAL file stays
// small, and every write is there after reopening.
TEST(SqliteWriter, CheckpointsKeepTheWalBoundedAndLoseNothing) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("renkei-wal-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  sqlite::SqliteOptions options;
  options.data_dir = dir.string();
  options.background_checkpoint_frames = 16;
  options.writer_checkpoint_frames = 64;
  options.write_log = false;  // one commit per write: the WAL grows by each
  constexpr int kWrites = 600;
  auto wal = dir / "renkei.db-wal";
  std::uintmax_t largest_wal = 0;
  {
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    for (int i = 0; i < kWrites; ++i) {
      auto written = (*store)->Write("t", [i](WriteTransaction& txn) -> base::Result<void> {
        core::Entity e;
        e.id = "Big" + std::to_string(i);
        e.types = {"Blob"};
        e.service_path = "/";
        core::Attribute a;
        a.name = "text";
        a.type = "Text";
        a.value = boost::json::string(std::string(3000, static_cast<char>('a' + i % 26)));
        e.attributes.push_back(a);
        return txn.Put(e);
      });
      ASSERT_TRUE(written.has_value()) << written.error().detail;
      largest_wal = std::max(largest_wal, std::filesystem::file_size(wal));
    }
    auto stats = (*store)->Stats();
    EXPECT_GT(stats.background_checkpoints, 0u);
    EXPECT_GT(stats.writer_checkpoints, 0u);
    (*store)->Close();
  }
  // 600 pages were written; a WAL that was never rewound would be past 2.4 MB.
  EXPECT_LT(largest_wal, 1'500'000u);
  auto reopened = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().detail;
  for (int i = 0; i < kWrites; i += 37) {
    auto found =
        (*reopened)->FindById("t", "Big" + std::to_string(i), std::nullopt,
                              ServicePathScope::Everything(), 2, base::Timestamp{2'000'000'000});
    ASSERT_TRUE(found.has_value()) << found.error().detail;
    ASSERT_EQ(found->size(), 1u) << i;
    EXPECT_EQ((*found)[0].attributes.at(0).value.as_string().size(), 3000u);
  }
  (*reopened)->Close();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// Write system calls this process made so far (/proc/self/io syscw, all threads).
std::uint64_t WriteCalls() {
  std::ifstream io("/proc/self/io");
  std::string key;
  std::uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "syscw:") return value;
  }
  return 0;
}

// wal_write_buffer.hpp: one group commit of 200 entities reaches the WAL in a few write
// calls of 64 KiB instead of two per frame, and another connection reads every entity at once.
// Recovery of the write log (ADR 0013 option B): a record that a run acknowledged from the log
// and did not apply before it died is replayed into the tables at the next open, whatever
// that open's write_log setting, and only once.
TEST(SqliteWriteLog, OpenReplaysAcknowledgedRecordsOnce) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("renkei-wlog-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  auto room = [](const std::string& id, double n) {
    core::Entity e;
    e.id = id;
    e.types = {"Room"};
    e.service_path = "/";
    core::Attribute a;
    a.name = "n";
    a.type = "Number";
    a.value = n;
    e.attributes.push_back(a);
    return e;
  };
  sqlite::SqliteOptions options;
  options.data_dir = dir.string();
  options.write_log = true;
  {
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    ASSERT_TRUE((*store)->Write("t", [&](WriteTransaction& txn) { return txn.Put(room("A", 1)); }));
    (*store)->Close();  // applies everything before it returns
  }
  {
    // What the dead run left: a synced record that erases A and creates B, with its journal.
    auto log = sqlite::RecordLog::Open(sqlite::RecordLogOptions{(dir / "log").string()});
    ASSERT_TRUE(log.has_value()) << log.error().detail;
    sqlite::UnitRecord record;
    record.tenant = "t";
    record.correlator = "died-before-apply";
    record.writes.push_back(sqlite::LoggedWrite{"A", "Room", "/", nullptr, nullptr});
    record.writes.push_back(sqlite::LoggedWrite{
        "B", "Room", "/", std::make_shared<const core::Entity>(room("B", 2)), nullptr});
    record.changes.push_back(
        sqlite::LoggedChange{std::make_shared<const core::Entity>(room("A", 1)), nullptr, nullptr,
                             nullptr, std::nullopt});
    ASSERT_TRUE((*log)->Append({sqlite::EncodeUnitRecord(record)}).has_value());
    ASSERT_TRUE((*log)->Sync().has_value());
  }
  options.write_log = false;
  for (int open = 0; open < 2; ++open) {
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    auto a = (*store)->FindById("t", "A", std::nullopt, {}, 10, base::Timestamp{0});
    auto b = (*store)->FindById("t", "B", std::nullopt, {}, 10, base::Timestamp{0});
    ASSERT_TRUE(a && b);
    EXPECT_TRUE(a->empty()) << "open " << open;
    ASSERT_EQ(b->size(), 1u) << "open " << open;
    EXPECT_EQ(b->front(), room("B", 2));
    auto changes = (*store)->LoadChanges(0, 100);
    ASSERT_TRUE(changes.has_value());
    ASSERT_EQ(changes->size(), 1u) << "replayed once, open " << open;
    EXPECT_EQ(changes->front().correlator, "died-before-apply");
    (*store)->Close();
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

// A CLI command (`renkei apikey`, `renkei import`) may open the data directory of a running
// server: the server owns the write log, and the second store writes directly to SQLite.
TEST(SqliteWriteLog, ASecondStoreOnTheDirectoryWritesDirectly) {
  std::random_device rd;
  auto dir = std::filesystem::temp_directory_path() /
             ("renkei-wlog2-" + std::to_string(rd()) + "-" + std::to_string(rd()));
  auto named = [](const std::string& id) {
    core::Entity e;
    e.id = id;
    e.types = {"Room"};
    e.service_path = "/";
    return e;
  };
  sqlite::SqliteOptions options;
  options.data_dir = dir.string();
  auto server = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(server.has_value()) << server.error().detail;
  ASSERT_TRUE((*server)->Write("t", [&](WriteTransaction& txn) { return txn.Put(named("A")); }));
  {
    auto cli = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(cli.has_value()) << cli.error().detail;
    EXPECT_FALSE((*cli)->WriteLogBacklog().has_value()) << "the server owns the write log";
    ASSERT_TRUE((*cli)->Write("t", [&](WriteTransaction& txn) { return txn.Put(named("B")); }));
    (*cli)->Close();
  }
  auto b = (*server)->FindById("t", "B", std::nullopt, {}, 10, base::Timestamp{0});
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->size(), 1u) << "the direct write is visible to the server";
  EXPECT_TRUE((*server)->WriteLogBacklog().has_value());
  (*server)->Close();
  auto reopened = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(reopened.has_value()) << reopened.error().detail;
  auto all = (*reopened)->Query("t", EntityQuery{});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(all->entities.size(), 2u);
  (*reopened)->Close();
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
}

TEST(SqliteWriter, WalFramesOfOneCommitAreWrittenTogether) {
  std::random_device rd;
  std::uint64_t unbuffered_calls = 0;
  for (bool buffered : {false, true}) {  // unbuffered first: the reference
    SCOPED_TRACE(buffered ? "buffered" : "unbuffered");
    auto dir = std::filesystem::temp_directory_path() /
               ("renkei-walbuf-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    sqlite::SqliteOptions options;
    options.data_dir = dir.string();
    options.buffer_wal_writes = buffered;
    options.write_log = false;                       // the units' own commits
    options.background_checkpoint_frames = 1 << 20;  // no checkpoint writes in between
    options.writer_checkpoint_frames = 1 << 21;
    constexpr int kEntities = 200;
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    auto before = WriteCalls();
    auto written = (*store)->Write("t", [](WriteTransaction& txn) -> base::Result<void> {
      for (int i = 0; i < kEntities; ++i) {
        core::Entity e;
        e.id = "Page" + std::to_string(i);
        e.types = {"Blob"};
        e.service_path = "/";
        core::Attribute a;
        a.name = "text";
        a.type = "Text";
        a.value = boost::json::string(std::string(3000, static_cast<char>('a' + i % 26)));
        e.attributes.push_back(a);
        RENKEI_TRY_VOID(txn.Put(e));
      }
      return base::Ok();
    });
    ASSERT_TRUE(written.has_value()) << written.error().detail;
    auto calls = WriteCalls() - before;
    // Each entity fills a page of its own (its text also fills attr_index and its value
    // index): hundreds of frames, two write calls each unbuffered, 16 frames per call
    // buffered.
    if (buffered) {
      EXPECT_LT(calls * 10, unbuffered_calls) << calls << " vs " << unbuffered_calls;
    } else {
      EXPECT_GT(calls, 2u * kEntities);
      unbuffered_calls = calls;
    }
    sqlite::ConnectionOptions reader_options;
    reader_options.read_only = true;
    auto reader = sqlite::Connection::Open((dir / "renkei.db").string(), reader_options);
    ASSERT_TRUE(reader.has_value()) << reader.error().detail;
    auto count = (*reader)->Prepare("SELECT count(*) FROM entities");
    ASSERT_TRUE(count.has_value());
    {
      sqlite::StatementLease lease(**count);
      auto has_row = (*count)->Step();
      ASSERT_TRUE(has_row.has_value() && *has_row);
      EXPECT_EQ((*count)->ColumnInt(0), kEntities);
    }
    reader->reset();
    (*store)->Close();
    std::error_code ec;
    std::filesystem::remove_all(dir, ec);
  }
}

EntityQuery RoomQuery(std::string_view q) {
  EntityQuery query;
  query.now = base::Timestamp{1};
  EntitySelector room;
  room.type = "Room";
  query.selectors = {room};
  if (!q.empty()) query.q = *core::q::ParseV2Query(q);
  return query;
}

TEST_F(SqlitePlan, EqualityDrivesFromValueIndex) {
  // The bench's GET /v2/entities?type=Room&q=temperature==7;humidity>50&limit=20: the
  // equality's index range (already in eid order) drives, entities by rowid, no sort.
  for (const auto* q : {"temperature==3;humidity>50", "humidity>50;temperature==3"}) {
    auto plan = sqlite::ExplainQuery(*conn_, 1, RoomQuery(q));
    ASSERT_TRUE(plan.has_value()) << plan.error().detail;
    EXPECT_EQ(plan->find("SEARCH d USING COVERING INDEX attr_index_num (tenant=? AND name=? AND "
                         "num=?)"),
              0u)
        << *plan;
    const auto entity_row = plan->find("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)");
    EXPECT_NE(entity_row, std::string::npos) << *plan;
    EXPECT_EQ(plan->find("TEMP B-TREE"), std::string::npos) << *plan;
    // Each candidate is tested on indexes first, type then humidity, and only one that passes
    // both costs a read of its entity row (with no row of the other type or humidity read,
    // a query with an empty answer stays an index walk).
    const auto type_probe =
        plan->find("SEARCH t USING COVERING INDEX entities_type (tenant=? AND type=? AND rowid=?)");
    const auto humidity_probe = plan->find("SEARCH a USING PRIMARY KEY (entity=? AND name=?)");
    EXPECT_LT(type_probe, humidity_probe) << *plan;
    EXPECT_LT(humidity_probe, entity_row) << *plan;
  }
  auto plan = sqlite::ExplainQuery(*conn_, 1, RoomQuery("name=='x'"));
  ASSERT_TRUE(plan.has_value());
  EXPECT_EQ(plan->find("SEARCH d USING COVERING INDEX attr_index_txt"), 0u) << *plan;
}

TEST_F(SqlitePlan, GeoDrivesFromRtree) {
  // GET ?georel=near;maxDistance:1000&geometry=point&coords=...: the R*Tree box gives an eid
  // list that drives; no entity index walks the tenant, no sort.
  for (bool typed : {false, true}) {
    auto query = RoomQuery(typed ? "temperature==3" : "");
    if (!typed) query.selectors.clear();
    auto geo = core::geo::ParseV2GeoQuery("near;maxDistance:1000", "point", "33.5,135.01");
    ASSERT_TRUE(geo.has_value());
    query.geo = *geo;
    auto plan = sqlite::ExplainQuery(*conn_, 1, query);
    ASSERT_TRUE(plan.has_value()) << plan.error().detail;
    EXPECT_EQ(plan->find("SEARCH e USING INTEGER PRIMARY KEY (rowid=?)"), 0u) << *plan;
    // Points: a range scan of geo_points' key per cell range; other shapes: the R*Tree.
    EXPECT_NE(plan->find("SEARCH p USING PRIMARY KEY (tenant=? AND cell>? AND cell<?)"),
              std::string::npos)
        << *plan;
    EXPECT_NE(plan->find("VIRTUAL TABLE"), std::string::npos) << *plan;
    EXPECT_EQ(plan->find("TEMP B-TREE"), std::string::npos) << *plan;
    EXPECT_EQ(plan->find("INDEX entities_"), std::string::npos) << *plan;
  }
}

// A database written before migrations 15 and 16 (every attribute indexed, points in the
// R*Tree): opened under the on-demand policy, its names are catalogued as ready (no build, the
// plans use attr_index at once) and its points move to geo_points, found by a geo query.
TEST_F(SqlitePlan, AnOlderDatabaseKeepsItsValueIndexesAndItsPointsMove) {
  conn_.reset();
  {
    auto conn = sqlite::Connection::Open((dir_ / "renkei.db").string(), {});
    ASSERT_TRUE(conn.has_value()) << conn.error().detail;
    // What schema version 14 had: no catalogue, no settings, no geo_points; a point of an
    // entity in the R*Tree (the rebuild must not keep it twice).
    ASSERT_TRUE((*conn)
                    ->Exec("DROP TABLE geo_points; DROP TABLE value_indexes; DROP TABLE "
                           "store_settings; INSERT INTO geo_shapes(shape, entity, name, "
                           "is_default) VALUES (1, 1, 'location', 1); INSERT INTO "
                           "geo_index VALUES (1, 135.0, 135.0, 33.5, 33.5); PRAGMA "
                           "user_version=14")
                    .has_value());
  }
  sqlite::SqliteOptions options;
  options.data_dir = dir_.string();  // the on-demand policy, the default
  auto store = sqlite::SqliteStore::Open(options);
  ASSERT_TRUE(store.has_value()) << store.error().detail;
  EXPECT_EQ((*store)->ValueIndexesBuilding(), 0u);
  auto query = RoomQuery("temperature==3");
  auto geo = core::geo::ParseV2GeoQuery("near;maxDistance:2000", "point", "33.5,135.01");
  ASSERT_TRUE(geo.has_value());
  query.geo = *geo;
  query.limit = 100;
  auto page = (*store)->Query("t", query);
  ASSERT_TRUE(page.has_value()) << page.error().detail;
  // Rooms i with i % 5 == 3 at longitude 135 + i/1000, within 2 km of 135.01 (about 0.02°).
  std::vector<std::string> ids;
  for (const auto& e : page->entities) ids.push_back(e.id);
  EXPECT_EQ(ids, (std::vector<std::string>{"E3", "E8", "E13", "E18", "E23", "E28"}));
  (*store)->Close();
  sqlite::ConnectionOptions read_only;
  read_only.read_only = true;
  auto conn = sqlite::Connection::Open((dir_ / "renkei.db").string(), read_only);
  ASSERT_TRUE(conn.has_value());
  auto plan = sqlite::ExplainQuery(**conn, 1, RoomQuery("temperature==3"),
                                   sqlite::ValueIndexPolicy::kOnDemand);
  ASSERT_TRUE(plan.has_value());
  EXPECT_NE(plan->find("attr_index_num"), std::string::npos) << *plan;
  for (const auto* table : {"geo_points", "geo_shapes"}) {
    auto count = (*conn)->Prepare(std::string("SELECT count(*) FROM ") + table);
    ASSERT_TRUE(count.has_value());
    sqlite::StatementLease lease(**count);
    auto has_row = (*count)->Step();
    ASSERT_TRUE(has_row.has_value() && *has_row);
    EXPECT_EQ((*count)->ColumnInt(0), std::string(table) == "geo_points" ? 50 : 0) << table;
  }
}

// The personal data read rule inside the query (EntityQuery::personal, docs/adr/0014): owners
// see their own, an app sees the residents with a live consent to it, counts included.
class SqliteConsent : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = std::filesystem::temp_directory_path() /
           ("renkei-consent-" + std::to_string(rd()) + "-" + std::to_string(rd()));
    sqlite::SqliteOptions options;
    options.data_dir = dir_.string();
    auto store = sqlite::SqliteStore::Open(options);
    ASSERT_TRUE(store.has_value()) << store.error().detail;
    store_ = std::move(*store);
    auto written = store_->Write("t", [](WriteTransaction& txn) -> base::Result<void> {
      for (const auto& [id, types, owner] :
           std::vector<std::tuple<std::string, std::vector<std::string>, std::string>>{
               {"V1", {"Vitals"}, "r1"},
               {"V2", {"Vitals"}, "r2"},
               {"V3", {"Vitals"}, "r3"},
               {"A1", {"Activity"}, "r1"},
               {"S1", {"Shelter"}, "r1"},
               {"X1", {"Shelter", "Vitals"}, "r1"}}) {
        core::Entity e;
        e.id = id;
        e.types = types;
        e.service_path = "/";
        core::Attribute a;
        a.name = "owner";
        a.type = "Text";
        a.value = owner;
        e.attributes.push_back(a);
        RENKEI_TRY_VOID(txn.Put(e));
      }
      return base::Ok();
    });
    ASSERT_TRUE(written.has_value()) << written.error().detail;
  }
  void TearDown() override {
    store_->Close();
    store_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  base::Result<void> Add(std::string id, std::string resident, std::vector<std::string> types,
                         std::int64_t expires, std::size_t max_live = 100) {
    ConsentRecord record;
    record.id = std::move(id);
    record.tenant = "t";
    record.resident = std::move(resident);
    record.app = "watch";
    record.types = std::move(types);
    record.purpose = "p";
    record.expires_at = base::Timestamp{expires};
    record.created_at = base::Timestamp{1000};
    std::promise<base::Result<void>> done;
    store_->AddConsent(record, max_live, [&done](base::Result<void> r) { done.set_value(r); });
    return done.get_future().get();
  }
  base::Result<void> Revoke(std::string resident, std::string id) {
    std::promise<base::Result<void>> done;
    store_->RevokeConsent("t", std::move(resident), std::move(id), base::Timestamp{1500},
                          [&done](base::Result<void> r) { done.set_value(r); });
    return done.get_future().get();
  }
  // Ids and count of a query of every entity under `scope` at time 2000.
  std::pair<std::vector<std::string>, std::size_t> Read(PersonalReadScope scope) {
    EntityQuery query;
    query.want_count = true;
    query.limit = 100;
    query.now = base::Timestamp{2000};
    scope.tenant = "t";
    scope.types = {"Activity", "Vitals"};
    scope.now = query.now;
    query.personal = std::move(scope);
    auto page = store_->Query("t", query);
    EXPECT_TRUE(page.has_value());
    std::vector<std::string> ids;
    if (!page) return {ids, 0};
    for (const auto& e : page->entities) ids.push_back(e.id);
    std::sort(ids.begin(), ids.end());
    return {ids, page->total_count.value_or(0)};
  }

  std::filesystem::path dir_;
  std::unique_ptr<sqlite::SqliteStore> store_;
};

TEST_F(SqliteConsent, OwnersSeeTheirOwnAndNothingElsePersonal) {
  PersonalReadScope owner;
  owner.own_types = {"Activity", "Vitals"};
  owner.subject = "r1";
  EXPECT_EQ(Read(owner),
            std::make_pair(std::vector<std::string>{"A1", "S1", "V1"}, std::size_t{3}));
  owner.own_types = {"Activity"};  // a login too weak for Vitals
  EXPECT_EQ(Read(owner), std::make_pair(std::vector<std::string>{"A1", "S1"}, std::size_t{2}));
  EXPECT_EQ(Read(PersonalReadScope{}),
            std::make_pair(std::vector<std::string>{"S1"}, std::size_t{1}));
}

TEST_F(SqliteConsent, AnAppSeesTheResidentsWithALiveConsentCoveringTheType) {
  ASSERT_TRUE(Add("c1", "r1", {"Vitals"}, 5000).has_value());
  ASSERT_TRUE(Add("c2", "r2", {"Vitals", "Activity"}, 5000).has_value());
  ASSERT_TRUE(Add("c3", "r3", {"Vitals"}, 2000).has_value());  // expired at 2000
  PersonalReadScope app;
  app.consent_types = {"Activity", "Vitals"};
  app.app = "watch";
  EXPECT_EQ(Read(app), std::make_pair(std::vector<std::string>{"S1", "V1", "V2"}, std::size_t{3}));
  app.app = "other";
  EXPECT_EQ(Read(app), std::make_pair(std::vector<std::string>{"S1"}, std::size_t{1}));
  app.app = "watch";
  EXPECT_FALSE(Revoke("r2", "c1").has_value());  // not r2's
  ASSERT_TRUE(Revoke("r1", "c1").has_value());
  EXPECT_FALSE(Revoke("r1", "c1").has_value());  // already revoked
  EXPECT_EQ(Read(app), std::make_pair(std::vector<std::string>{"S1", "V2"}, std::size_t{2}));
  auto found = store_->FindLiveConsent("t", "r2", "watch", "Vitals", base::Timestamp{2000});
  ASSERT_TRUE(found.has_value() && found->has_value());
  EXPECT_EQ((*found)->id, "c2");
  EXPECT_FALSE(store_->FindLiveConsent("t", "r3", "watch", "Vitals", base::Timestamp{2000})
                   .value()
                   .has_value());
  ConsentFilter all;
  all.tenant = "t";
  EXPECT_EQ(store_->ListConsents(all).value().size(), 3u);
  all.live_at = base::Timestamp{2000};
  EXPECT_EQ(store_->ListConsents(all).value().size(), 1u);
}

TEST_F(SqliteConsent, LiveConsentsPerResidentAreLimited) {
  ASSERT_TRUE(Add("c1", "r1", {"Vitals"}, 5000, 2).has_value());
  ASSERT_TRUE(Add("c2", "r1", {"Vitals"}, 5000, 2).has_value());
  auto third = Add("c3", "r1", {"Vitals"}, 5000, 2);
  ASSERT_FALSE(third.has_value());
  EXPECT_EQ(third.error().code, base::ErrorCode::kUnprocessable);
  EXPECT_TRUE(Add("c4", "r2", {"Vitals"}, 5000, 2).has_value());
}

}  // namespace
}  // namespace renkei::store::testing
