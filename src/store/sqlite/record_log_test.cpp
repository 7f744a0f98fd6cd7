#include "store/sqlite/record_log.hpp"

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "store/sqlite/crc32c.hpp"

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

// The published CRC-32C check values (RFC 3720 B.4 and the "123456789" check), for each
// implementation this CPU can run: a log written on one machine must verify on another.
TEST(Crc32cTest, BothImplementationsGiveTheKnownValues) {
  std::string ascending, descending;
  for (int i = 0; i < 32; ++i) {
    ascending.push_back(static_cast<char>(i));
    descending.push_back(static_cast<char>(31 - i));
  }
  const std::vector<std::pair<std::string, std::uint32_t>> known = {
      {"", 0u},
      {"123456789", 0xE3069283u},
      {std::string(32, '\0'), 0x8A9136AAu},
      {std::string(32, '\xFF'), 0x62A8AB43u},
      {ascending, 0x46DD794Eu},
      {descending, 0x113FDB5Cu},
  };
  for (const auto& [data, crc] : known) {
    EXPECT_EQ(crc32c::ExtendPortable(0, data), crc) << data.size() << " bytes";
    EXPECT_EQ(crc32c::Extend(0, data), crc) << data.size() << " bytes";
    if (crc32c::HardwareAvailable()) {
      EXPECT_EQ(crc32c::ExtendHardware(0, data), crc) << data.size() << " bytes";
    }
  }
}

// The hardware version reads eight bytes at a time: every length, start offset (alignment)
// and split point must still give the byte-at-a-time value.
TEST(Crc32cTest, HardwareMatchesTheTableAtEveryLengthOffsetAndSplit) {
  if (!crc32c::HardwareAvailable()) GTEST_SKIP() << "no SSE4.2 on this CPU";
  std::string bytes;
  std::uint32_t x = 12345;
  for (int i = 0; i < 100; ++i) {
    x = x * 1103515245u + 12345u;
    bytes.push_back(static_cast<char>(x >> 24));
  }
  const std::string_view all(bytes);
  for (std::size_t offset = 0; offset < 8; ++offset) {
    for (std::size_t length = 0; offset + length <= all.size(); ++length) {
      const std::string_view data = all.substr(offset, length);
      const std::uint32_t expected = crc32c::ExtendPortable(0, data);
      ASSERT_EQ(crc32c::ExtendHardware(0, data), expected) << offset << "+" << length;
      const std::size_t split = length / 3;
      ASSERT_EQ(crc32c::ExtendHardware(crc32c::ExtendHardware(0, data.substr(0, split)),
                                       data.substr(split)),
                expected)
          << offset << "+" << length;
    }
  }
}

// The frame's checksum on disk is the CRC-32C of its seq (8 bytes) and payload, which follow
// each other in the frame: the format older logs were written in.
TEST_F(RecordLogTest, AFramesChecksumIsTheCrc32cOfItsSeqAndPayload) {
  {
    auto log = OpenLog();
    ASSERT_TRUE(log);
    ASSERT_TRUE(log->Append({"a payload of a few bytes"}));
    ASSERT_TRUE(log->Sync());
  }
  const auto segments = Segments();
  ASSERT_EQ(segments.size(), 1u);
  std::ifstream in(segments.front(), std::ios::binary);
  const std::string frame((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_EQ(frame.size(), 16u + 24u);
  std::uint32_t stored = 0;
  for (int i = 0; i < 4; ++i) {
    stored |= static_cast<std::uint32_t>(static_cast<unsigned char>(frame[4 + i])) << (8 * i);
  }
  EXPECT_EQ(stored, crc32c::ExtendPortable(0, std::string_view(frame).substr(8)));
}

}  // namespace
}  // namespace renkei::store::sqlite
