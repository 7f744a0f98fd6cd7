#include "opendata/text_encoding.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

// A header and a row as the standard 公衆トイレ一覧 writes them, with characters that only
// CP932 (not plain Shift_JIS) has: ① and 髙 (NEC/IBM extensions Excel writes).
const std::string kUtf8 =
    "全国地方公共団体コード,ID,名称\r\n304018,304018T001,白浜町①髙橋公衆トイレ\r\n";

TEST(TextEncoding, Utf8WithAndWithoutBom) {
  auto plain = DecodeToUtf8(kUtf8);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->encoding, TextEncoding::kUtf8);
  EXPECT_EQ(plain->text, kUtf8);
  auto bom = DecodeToUtf8("\xEF\xBB\xBF" + kUtf8);
  ASSERT_TRUE(bom);
  EXPECT_EQ(bom->encoding, TextEncoding::kUtf8Bom);
  EXPECT_EQ(bom->text, kUtf8);
}

TEST(TextEncoding, Cp932IsDetectedAndConverted) {
  auto cp932 = ConvertEncoding(kUtf8, "UTF-8", "CP932");
  ASSERT_TRUE(cp932) << cp932.error().detail;
  ASSERT_NE(*cp932, kUtf8);
  EXPECT_FALSE(IsValidUtf8(*cp932));
  auto decoded = DecodeToUtf8(*cp932);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->encoding, TextEncoding::kCp932);
  EXPECT_EQ(decoded->text, kUtf8);
}

TEST(TextEncoding, Utf16LeWithTabsWithAndWithoutBom) {
  const std::string tsv = "名称\t緯度\t経度\n道の駅すさみ\t33.52\t135.59\n";
  auto utf16 = ConvertEncoding(tsv, "UTF-8", "UTF-16LE");
  ASSERT_TRUE(utf16);
  for (const std::string& bytes : {*utf16, "\xFF\xFE" + *utf16}) {
    auto decoded = DecodeToUtf8(bytes);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->encoding, TextEncoding::kUtf16Le);
    EXPECT_EQ(decoded->text, tsv);
  }
}

TEST(TextEncoding, StrictUtf8Validation) {
  EXPECT_TRUE(IsValidUtf8("abc 白浜"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xE7\x99"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

TEST(TextEncoding, GarbageIsAClearErrorNotACrash) {
  // A lone CP932 lead byte at the end is neither UTF-8 nor CP932.
  auto decoded = DecodeToUtf8(std::string("abc\x81", 4));
  ASSERT_FALSE(decoded);
  EXPECT_NE(decoded.error().detail.find("CP932"), std::string::npos);
  auto bom = DecodeToUtf8("\xEF\xBB\xBF\xFF\xFE\xFD");
  ASSERT_FALSE(bom);
  EXPECT_NE(bom.error().detail.find("byte order mark"), std::string::npos);
}

}  // namespace
}  // namespace renkei::opendata
