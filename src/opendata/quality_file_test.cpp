#include "opendata/quality_file.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

const base::Timestamp kNow{1'780'000'000'000};

TEST(QualityFile, FailuresCarryTheirSourceLine) {
  const std::string csv =
      "全国地方公共団体コード,ID,名称,名称_カナ,所在地_連結表記,郵便番号,電話番号,"
      "災害種別_洪水,指定避難所との重複\n"
      "304018,A1,白浜第一小学校,シラハマ,和歌山県白浜町1600,6492211,0739-43-5555,1,1\n"
      "304018,A2,白浜第二小学校,シラハマ,和歌山県白浜町1601,649-2211,0739-43-5555,1,1\n"
      "304069,B1,すさみ小学校,スサミ,和歌山県すさみ町1,6520000,0739-55-0000,1,1\n"
      "304018,A1,重複,ジュウフク,和歌山県白浜町1600,6492211,0739-43-5555,1,1\n";
  ImportOptions options;
  options.tenant = "304018";
  auto assessed = AssessFile(csv, options, QualitySettings{}, kNow);
  ASSERT_TRUE(assessed) << assessed.error().detail;
  EXPECT_EQ(assessed->rows_read, 4u);
  EXPECT_EQ(assessed->skipped, 1u);
  ASSERT_EQ(assessed->rejected.size(), 1u);  // the repeated id A1
  EXPECT_EQ(assessed->rejected[0].line, 5u);
  EXPECT_EQ(assessed->report.records, 2u);
  ASSERT_EQ(assessed->report.failures.size(), 1u);
  const auto& failure = assessed->report.failures[0];
  EXPECT_EQ(failure.check, "postal_code");
  EXPECT_EQ(failure.line, std::optional<std::size_t>(3));
  EXPECT_EQ(failure.entity_id, "urn:ngsi-ld:EvacuationSite:304018-A2");
}

TEST(QualityFile, NeedsATenant) {
  auto assessed = AssessFile("a,b\n1,2\n", ImportOptions{}, QualitySettings{}, kNow);
  ASSERT_FALSE(assessed);
  EXPECT_EQ(assessed.error().code, base::ErrorCode::kBadRequestData);
}

}  // namespace
}  // namespace renkei::opendata
