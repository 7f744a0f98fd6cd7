#include "opendata/text_encoding.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>

namespace renkei::opendata {
namespace {

// A header and a row as the standard 公衆トイレ一覧 writes them, with characters that only
// CP932 (not plain Shift_JIS) has: ① and 髙 (NEC/IBM extensions Excel writes).
const std::string kUtf8 =
    "全国地方公共団体コード,ID,名称\r\n304018,304018T001,白浜町①髙橋公衆トイレ\r\n";

TEST(TextEncoding, Utf8WithAndWithoutBom) {
  auto plain = DecodeToUtf8(kUtf8);
  ASSERT_TRUE(plain);
  EXPECT_EQ(plain->encoding(), TextEncoding::kUtf8);
  EXPECT_EQ(plain->text(), kUtf8);
  const std::string with_bom = "\xEF\xBB\xBF" + kUtf8;  // text() views these bytes
  auto bom = DecodeToUtf8(with_bom);
  ASSERT_TRUE(bom);
  EXPECT_EQ(bom->encoding(), TextEncoding::kUtf8Bom);
  EXPECT_EQ(bom->text(), kUtf8);
}

TEST(TextEncoding, Cp932IsDetectedAndConverted) {
  auto cp932 = ConvertEncoding(kUtf8, "UTF-8", "CP932");
  ASSERT_TRUE(cp932) << cp932.error().detail;
  ASSERT_NE(*cp932, kUtf8);
  EXPECT_FALSE(IsValidUtf8(*cp932));
  auto decoded = DecodeToUtf8(*cp932);
  ASSERT_TRUE(decoded) << decoded.error().detail;
  EXPECT_EQ(decoded->encoding(), TextEncoding::kCp932);
  EXPECT_EQ(decoded->text(), kUtf8);
}

TEST(TextEncoding, Utf16LeWithTabsWithAndWithoutBom) {
  const std::string tsv = "名称\t緯度\t経度\n道の駅すさみ\t33.52\t135.59\n";
  auto utf16 = ConvertEncoding(tsv, "UTF-8", "UTF-16LE");
  ASSERT_TRUE(utf16);
  for (const std::string& bytes : {*utf16, "\xFF\xFE" + *utf16}) {
    auto decoded = DecodeToUtf8(bytes);
    ASSERT_TRUE(decoded) << decoded.error().detail;
    EXPECT_EQ(decoded->encoding(), TextEncoding::kUtf16Le);
    EXPECT_EQ(decoded->text(), tsv);
  }
}

TEST(TextEncoding, StrictUtf8Validation) {
  EXPECT_TRUE(IsValidUtf8("abc 白浜"));
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a UTF-16 surrogate
  EXPECT_FALSE(IsValidUtf8("\xE7\x99"));          // truncated
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
}

// The plainest reading of RFC 3629 §4: decode the code point, then check its range.
bool ReferenceIsValidUtf8(std::string_view bytes) {
  std::size_t i = 0;
  while (i < bytes.size()) {
    const auto lead = static_cast<unsigned char>(bytes[i]);
    std::size_t length = 0;
    std::uint32_t code = 0;
    if (lead < 0x80) {
      length = 1, code = lead;
    } else if ((lead & 0xE0) == 0xC0) {
      length = 2, code = lead & 0x1F;
    } else if ((lead & 0xF0) == 0xE0) {
      length = 3, code = lead & 0x0F;
    } else if ((lead & 0xF8) == 0xF0) {
      length = 4, code = lead & 0x07;
    } else {
      return false;
    }
    if (i + length > bytes.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      const auto next = static_cast<unsigned char>(bytes[i + k]);
      if ((next & 0xC0) != 0x80) return false;
      code = (code << 6) | (next & 0x3F);
    }
    const std::uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
    if (code < smallest[length] || code > 0x10FFFF) return false;
    if (code >= 0xD800 && code <= 0xDFFF) return false;
    i += length;
  }
  return true;
}

TEST(TextEncoding, Utf8ValidationAgreesWithTheDefinition) {
  for (const std::string& valid :
       {std::string("x"), std::string("\xC2\x80"), std::string("\xDF\xBF"),
        std::string("\xE0\xA0\x80"), std::string("\xEF\xBF\xBF"), std::string("\xF0\x90\x80\x80"),
        std::string("\xF4\x8F\xBF\xBF"), std::string("🚻 トイレ")}) {
    EXPECT_TRUE(IsValidUtf8(valid)) << valid;
    EXPECT_TRUE(IsValidUtf8("0123456789abcdef" + valid + "0123456789")) << valid;
  }
  for (const std::string& invalid :
       {std::string("\x80"), std::string("\xC1\xBF"), std::string("\xE0\x9F\xBF"),
        std::string("\xF0\x8F\xBF\xBF"), std::string("\xF5\x80\x80\x80"), std::string("\xFF"),
        std::string("\xF0\x90\x80"), std::string("\xE7\x99\x41"), std::string("\xF4\x90\x80\x80"),
        std::string("\xED\xA0\x80")}) {
    EXPECT_FALSE(IsValidUtf8(invalid));
    // The ASCII fast path must not skip a bad byte after a run of eight or more.
    EXPECT_FALSE(IsValidUtf8("0123456789abcdef" + invalid)) << "after ASCII";
    EXPECT_FALSE(IsValidUtf8("0123456789abcdef" + invalid + "0123456789abcdef"));
  }
  // Random strings of well-formed characters of every length (edges of each range
  // included) with, now and then, a byte that matters (continuation bytes, every lead range
  // and its edges), long enough to cross the eight-byte ASCII steps.
  const unsigned char stray[] = {0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2,
                                 0xDF, 0xE0, 0xE3, 0xED, 0xEF, 0xF0, 0xF4, 0xF5, 0xFF};
  const std::uint32_t code_points[] = {'a',    0x7F,   0x80,   0x7FF,   0x800,    0x3042,
                                       0xD7FF, 0xE000, 0xFFFF, 0x10000, 0x10FFFF, 0x1F6BB};
  auto append_utf8 = [](std::string& out, std::uint32_t code) {
    if (code < 0x80) {
      out += static_cast<char>(code);
    } else if (code < 0x800) {
      out += static_cast<char>(0xC0 | (code >> 6));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else if (code < 0x10000) {
      out += static_cast<char>(0xE0 | (code >> 12));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (code >> 18));
      out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (code & 0x3F));
    }
  };
  std::mt19937 random(932);
  int valid_seen = 0, invalid_seen = 0;
  for (int round = 0; round < 100000; ++round) {
    std::string bytes;
    const std::size_t pieces = random() % 16;
    for (std::size_t p = 0; p < pieces; ++p) {
      if (random() % 24 == 0) {
        bytes += static_cast<char>(stray[random() % sizeof stray]);
      } else if (random() % 2 == 0) {
        bytes += 'x';
      } else {
        append_utf8(bytes, code_points[random() % std::size(code_points)]);
      }
    }
    ASSERT_EQ(IsValidUtf8(bytes), ReferenceIsValidUtf8(bytes)) << ::testing::PrintToString(bytes);
    ++(ReferenceIsValidUtf8(bytes) ? valid_seen : invalid_seen);
  }
  EXPECT_GT(valid_seen, 10000);  // both answers were exercised
  EXPECT_GT(invalid_seen, 10000);
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
