#include "opendata/japanese_datetime.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

TEST(JapaneseDate, GregorianForms) {
  EXPECT_EQ(NormalizeDate("2024-04-01"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("2024/4/1"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("2024.4.1"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("2024年4月1日"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("２０２４年１２月３１日"), "2024-12-31");
  EXPECT_EQ(NormalizeDate("2024-04-01T00:00:00.000Z"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("2024-02-29"), "2024-02-29");
  EXPECT_EQ(NormalizeDate("2023-02-29"), std::nullopt);
  EXPECT_EQ(NormalizeDate("2024-13-01"), std::nullopt);
  EXPECT_EQ(NormalizeDate("毎週水曜日"), std::nullopt);
  EXPECT_EQ(NormalizeDate(""), std::nullopt);
}

TEST(JapaneseDate, Wareki) {
  EXPECT_EQ(NormalizeDate("令和6年4月1日"), "2024-04-01");
  EXPECT_EQ(NormalizeDate("令和元年5月1日"), "2019-05-01");
  EXPECT_EQ(NormalizeDate("平成31年4月30日"), "2019-04-30");
  EXPECT_EQ(NormalizeDate("H31.4.30"), "2019-04-30");
  EXPECT_EQ(NormalizeDate("R2.4.1"), "2020-04-01");
  EXPECT_EQ(NormalizeDate("昭和64年1月7日"), "1989-01-07");
  EXPECT_EQ(NormalizeDate("平成元年1月8日"), "1989-01-08");
  // 北海道's medical list writes abbreviated eras with padded numbers (municipal-context §3.1).
  EXPECT_EQ(NormalizeDate("昭32. 7. 1"), "1957-07-01");
}

TEST(JapaneseDate, WarekiOutsideItsEraIsRejected) {
  EXPECT_EQ(NormalizeDate("平成31年5月1日"), std::nullopt);  // already 令和
  EXPECT_EQ(NormalizeDate("令和1年4月30日"), std::nullopt);  // still 平成
  EXPECT_EQ(NormalizeDate("昭和64年1月8日"), std::nullopt);
  EXPECT_EQ(NormalizeDate("令和0年5月1日"), std::nullopt);
}

TEST(JapaneseTime, Forms) {
  EXPECT_EQ(NormalizeTime("9:00"), "09:00:00");
  EXPECT_EQ(NormalizeTime("09:00:00"), "09:00:00");
  EXPECT_EQ(NormalizeTime("23:59:00"), "23:59:00");
  EXPECT_EQ(NormalizeTime("9時30分"), "09:30:00");
  EXPECT_EQ(NormalizeTime("１７：１５"), "17:15:00");
  EXPECT_EQ(NormalizeTime("24:00"), "24:00:00");
  // 高松市's AED list: Excel time cells as text (municipal-context.md §3.1).
  EXPECT_EQ(NormalizeTime("1899-12-30T09:00:00.000Z"), "09:00:00");
  EXPECT_EQ(NormalizeTime("25:00"), std::nullopt);
  EXPECT_EQ(NormalizeTime("9:60"), std::nullopt);
  EXPECT_EQ(NormalizeTime("朝"), std::nullopt);
}

TEST(JapaneseTime, Ranges) {
  auto expect = [](std::string_view text, const char* start, const char* end) {
    auto range = NormalizeTimeRange(text);
    ASSERT_TRUE(range) << text;
    EXPECT_EQ(range->start, start) << text;
    EXPECT_EQ(range->end, end) << text;
  };
  expect("9:00~17:00", "09:00:00", "17:00:00");
  expect(" 9:00~17:00", "09:00:00", "17:00:00");
  expect("11:00～21:00", "11:00:00", "21:00:00");
  expect("8:30〜17:15", "08:30:00", "17:15:00");
  expect("平日 8:30~17:15", "08:30:00", "17:15:00");
  expect("9時から17時", "09:00:00", "17:00:00");
  expect("8:00\u3000\u3000\u3000\u3000\u300017:00", "08:00:00", "17:00:00");
  expect("終日", "00:00:00", "24:00:00");
  EXPECT_EQ(NormalizeTimeRange("キャンプ場利用時は終日"), std::nullopt);
  EXPECT_EQ(NormalizeTimeRange("普段はクローズ"), std::nullopt);
  EXPECT_EQ(NormalizeTimeRange("9:00"), std::nullopt);
}

}  // namespace
}  // namespace renkei::opendata
