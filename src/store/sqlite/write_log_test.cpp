#include "store/sqlite/write_log.hpp"

#include <unistd.h>

#include <filesystem>
#include <future>

#include <gtest/gtest.h>

namespace renkei::store::sqlite {
namespace {

namespace fs = std::filesystem;

UnitRecord Put(const std::string& tenant, const std::string& id) {
  core::Entity e;
  e.id = id;
  e.types = {"T"};
  e.service_path = "/";
  UnitRecord r;
  r.tenant = tenant;
  r.writes.push_back(LoggedWrite{id, "T", "/", std::make_shared<const core::Entity>(e), nullptr});
  return r;
}

class WriteLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("renkei-write-log-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Appends the records and waits until the log syncer acknowledged them.
  static void AppendSynced(WriteLog& log, std::vector<UnitRecord> records) {
    for (auto& r : records) ASSERT_TRUE(log.Append(std::move(r)).has_value());
    std::promise<base::Result<void>> synced;
    std::vector<WriteCompletion> completions;
    completions.push_back(
        WriteCompletion{[&](base::Result<void> r) { synced.set_value(std::move(r)); }, {}});
    log.Hand(std::move(completions));
    ASSERT_TRUE(synced.get_future().get().has_value());
  }

  fs::path dir_;
};

// The barrier of queries (ADR 0013 option B): a query waits for the acknowledged records of
// its tenant only; a store-wide reader waits for all of them.
TEST_F(WriteLogTest, QueriesWaitForTheirTenantsRecordsOnly) {
  auto opened = WriteLog::Open(dir_.string(), 0, nullptr);
  ASSERT_TRUE(opened.has_value()) << opened.error().detail;
  WriteLog& log = **opened;
  AppendSynced(log, {Put("a", "A1"), Put("b", "B1")});
  EXPECT_TRUE(log.HasSynced());
  EXPECT_EQ(log.overlay().Size(), 2u);

  auto first = log.TakeSynced(1);  // one record at least, here only a's
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].tenant, "a");
  log.Applied(first);
  EXPECT_EQ(log.overlay().Size(), 1u);

  const std::string a = "a";
  const std::string b = "b";
  const std::string quiet = "never-wrote";
  const auto brief = std::chrono::milliseconds(20);
  EXPECT_TRUE(log.WaitForAcknowledged(brief, &a).has_value());
  EXPECT_TRUE(log.WaitForAcknowledged(brief, &quiet).has_value());
  auto b_waits = log.WaitForAcknowledged(brief, &b);
  ASSERT_FALSE(b_waits.has_value());
  EXPECT_NE(b_waits.error().detail.find("behind"), std::string::npos);
  EXPECT_FALSE(log.WaitForAcknowledged(brief).has_value());

  log.Applied(log.TakeSynced(100));
  EXPECT_TRUE(log.WaitForAcknowledged(brief, &b).has_value());
  EXPECT_TRUE(log.WaitForAcknowledged(brief).has_value());
  EXPECT_EQ(log.overlay().Size(), 0u);
}

// Synced records gather before they are due, unless a batch is full or one carries journal
// rows; unsynced ones are never due.
TEST_F(WriteLogTest, RecordsBecomeDueAfterTheDelayOrAFullBatch) {
  auto opened = WriteLog::Open(dir_.string(), 0, nullptr);
  ASSERT_TRUE(opened.has_value());
  WriteLog& log = **opened;
  const ApplyTiming timing{3, std::chrono::milliseconds(1000), std::chrono::milliseconds(10), 100,
                           1u << 20};
  const auto now = std::chrono::steady_clock::now();
  EXPECT_FALSE(log.ApplyDueIn(timing, now).has_value()) << "nothing synced";
  AppendSynced(log, {Put("a", "1"), Put("a", "2")});
  auto due = log.ApplyDueIn(timing, std::chrono::steady_clock::now());
  ASSERT_TRUE(due.has_value());
  EXPECT_GT(*due, std::chrono::milliseconds(500));
  EXPECT_EQ(*log.ApplyDueIn(timing, now + std::chrono::seconds(2)),
            std::chrono::steady_clock::duration::zero());
  AppendSynced(log, {Put("a", "3")});  // three writes: a full batch
  EXPECT_EQ(*log.ApplyDueIn(timing, std::chrono::steady_clock::now()),
            std::chrono::steady_clock::duration::zero());
  log.Applied(log.TakeSynced(100));
  UnitRecord journaled = Put("a", "4");
  journaled.changes.push_back(
      LoggedChange{nullptr, journaled.writes[0].entity, nullptr, nullptr, std::nullopt});
  AppendSynced(log, {std::move(journaled)});
  due = log.ApplyDueIn(timing, std::chrono::steady_clock::now());
  ASSERT_TRUE(due.has_value());
  EXPECT_LE(*due, std::chrono::milliseconds(10));
}

// Writers wait once the overlay reaches its bounds (back-pressure): gathering longer would only
// stall them, so the records are due at once, from half the bounds on.
TEST_F(WriteLogTest, RecordsAreDueAtOnceWhenTheOverlayIsFull) {
  auto opened = WriteLog::Open(dir_.string(), 0, nullptr);
  ASSERT_TRUE(opened.has_value());
  WriteLog& log = **opened;
  AppendSynced(log, {Put("a", "1"), Put("a", "2")});
  const auto now = std::chrono::steady_clock::now();
  ApplyTiming roomy{100, std::chrono::seconds(60), std::chrono::milliseconds(0), 10, 1u << 20};
  EXPECT_GT(*log.ApplyDueIn(roomy, now), std::chrono::seconds(30));
  // Due from half the back-pressure bound on, so that the sequencer fills the other half
  // while the applier works.
  ApplyTiming by_keys = roomy;
  ASSERT_GT(log.overlay().Size(), 0u);
  by_keys.max_overlay_keys = 2 * log.overlay().Size() + 1;
  EXPECT_GT(*log.ApplyDueIn(by_keys, now), std::chrono::seconds(30));
  by_keys.max_overlay_keys = 2 * log.overlay().Size();
  EXPECT_EQ(*log.ApplyDueIn(by_keys, now), std::chrono::steady_clock::duration::zero());
  ApplyTiming by_bytes = roomy;
  ASSERT_GT(log.overlay().Bytes(), 0u);
  by_bytes.max_overlay_bytes = 2 * log.overlay().Bytes() + 1;
  EXPECT_GT(*log.ApplyDueIn(by_bytes, now), std::chrono::seconds(30));
  by_bytes.max_overlay_bytes = 2 * log.overlay().Bytes();
  EXPECT_EQ(*log.ApplyDueIn(by_bytes, now), std::chrono::steady_clock::duration::zero());
}

}  // namespace
}  // namespace renkei::store::sqlite
