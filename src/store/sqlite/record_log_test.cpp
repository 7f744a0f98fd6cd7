#include "store/sqlite/record_log.hpp"

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace renkei::store::sqlite {
namespace {

namespace fs = std::filesystem;

class RecordLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("renkei-record-log-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::unique_ptr<RecordLog> OpenLog(std::uint64_t segment_bytes = 64ull << 20) {
    auto log = RecordLog::Open(RecordLogOptions{dir_.string(), segment_bytes});
    EXPECT_TRUE(log) << (log ? "" : log.error().detail);
    return log ? std::move(*log) : nullptr;
  }
  std::vector<fs::path> Segments() const {
    std::vector<fs::path> paths;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().extension() == ".rlog") paths.push_back(entry.path());  // not LOCK
    }
    std::sort(paths.begin(), paths.end());
    return paths;
  }
  static std::vector<std::string> Payloads(const std::vector<LogRecord>& records) {
    std::vector<std::string> out;
    for (const auto& record : records) out.push_back(record.payload);
    return out;
  }

  fs::path dir_;
};

TEST_F(RecordLogTest, NumbersRecordsAndGivesThemBackAfterReopening) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log);
    EXPECT_EQ(log->LastSeq(), 0u);
    auto last = log->Append({"first", "", std::string(1000, 'x')});
    ASSERT_TRUE(last);
    EXPECT_EQ(*last, 3u);
    EXPECT_EQ(*log->Append({"fourth"}), 4u);
    EXPECT_EQ(*log->Append({}), 4u);
    ASSERT_TRUE(log->Sync());
  }
  auto log = OpenLog();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->LastSeq(), 4u);
  auto all = log->ReadAfter(0);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0].seq, 1u);
  EXPECT_EQ((*all)[3].seq, 4u);
  EXPECT_EQ(Payloads(*all),
            (std::vector<std::string>{"first", "", std::string(1000, 'x'), "fourth"}));
  auto tail = log->ReadAfter(2);
  ASSERT_TRUE(tail);
  ASSERT_EQ(tail->size(), 2u);
  EXPECT_EQ((*tail)[0].seq, 3u);
  EXPECT_EQ(*log->Append({"fifth"}), 5u);  // numbering goes on after a restart
}

TEST_F(RecordLogTest, CutsOffATornTailAndGoesOnFromTheLastWholeRecord) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->Append({"one", "two", "three"}));
    ASSERT_TRUE(log->Sync());
  }
  const auto segment = Segments().at(0);
  fs::resize_file(segment, fs::file_size(segment) - 2);  // a crash in the middle of "three"
  auto log = OpenLog();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->LastSeq(), 2u);
  EXPECT_EQ(*log->Append({"three again"}), 3u);
  auto all = log->ReadAfter(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(Payloads(*all), (std::vector<std::string>{"one", "two", "three again"}));
}

TEST_F(RecordLogTest, RefusesARecordWhoseChecksumFailsAtTheTail) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->Append({"kept", "damaged"}));
    ASSERT_TRUE(log->Sync());
  }
  const auto segment = Segments().at(0);
  {
    std::fstream file(segment, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-1, std::ios::end);
    file.put('?');  // the last byte of "damaged"
  }
  auto log = OpenLog();
  ASSERT_TRUE(log);
  EXPECT_EQ(log->LastSeq(), 1u);
  auto all = log->ReadAfter(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(Payloads(*all), (std::vector<std::string>{"kept"}));
}

TEST_F(RecordLogTest, RotatesSegmentsAndDropsThoseWhollyApplied) {
  auto log = OpenLog(/*segment_bytes=*/64);  // 16 header bytes + 20 payload: one record each
  ASSERT_TRUE(log);
  for (int i = 1; i <= 5; ++i) {
    ASSERT_TRUE(log->Append({"record number " + std::to_string(i) + "....."}));
  }
  ASSERT_TRUE(log->Sync());
  EXPECT_EQ(log->SegmentCount(), 5u);
  ASSERT_TRUE(log->DropThrough(3));
  EXPECT_EQ(log->SegmentCount(), 2u);
  EXPECT_EQ(Segments().size(), 2u);
  auto rest = log->ReadAfter(3);
  ASSERT_TRUE(rest);
  ASSERT_EQ(rest->size(), 2u);
  EXPECT_EQ((*rest)[0].seq, 4u);
  // The current segment stays, even when everything in it was applied.
  ASSERT_TRUE(log->DropThrough(5));
  EXPECT_EQ(log->SegmentCount(), 1u);
  log.reset();
  auto reopened = OpenLog(64);
  ASSERT_TRUE(reopened);
  EXPECT_EQ(reopened->LastSeq(), 5u);
  EXPECT_EQ(*reopened->Append({"six"}), 6u);
}

TEST_F(RecordLogTest, FailsOpenWhenASegmentBeforeTheLastIsDamaged) {
  {
    auto log = OpenLog(64);
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->Append({"first record .......", "second record ......"}));
    ASSERT_TRUE(log->Sync());
  }
  const auto first = Segments().at(0);
  fs::resize_file(first, fs::file_size(first) - 1);
  auto log = RecordLog::Open(RecordLogOptions{dir_.string(), 64});
  ASSERT_FALSE(log);
  EXPECT_NE(log.error().detail.find("damaged"), std::string::npos) << log.error().detail;
}

TEST_F(RecordLogTest, RefusesAPayloadOverTheMaximumAndWritesNothing) {
  auto log = OpenLog();
  ASSERT_TRUE(log);
  const std::string big(RecordLog::kMaxPayload + 1, 'x');
  auto appended = log->Append({"small", big});
  ASSERT_FALSE(appended);
  EXPECT_EQ(appended.error().code, base::ErrorCode::kPayloadTooLarge);
  EXPECT_EQ(log->LastSeq(), 0u);
  auto all = log->ReadAfter(0);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->empty());
}

// Another process appending to the same directory would number records twice, and its Open
// would cut the owner's append in progress as a torn tail: the directory is locked.
TEST_F(RecordLogTest, ASecondOpenOfTheDirectoryIsRefusedWhileTheFirstHoldsIt) {
  auto first = OpenLog();
  ASSERT_NE(first, nullptr);
  ASSERT_TRUE(first->Append({"a"}).has_value());
  auto second = RecordLog::Open(RecordLogOptions{dir_.string()});
  ASSERT_FALSE(second.has_value());
  EXPECT_EQ(second.error().title, kLogInUse);
  first.reset();
  auto third = OpenLog();
  ASSERT_NE(third, nullptr);
  EXPECT_EQ(third->LastSeq(), 1u);
}

}  // namespace
}  // namespace renkei::store::sqlite
