#include "opendata/importer.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

// An old-header (推奨データセット) 指定緊急避難場所一覧 as a town would save it from Excel: CP932,
// CRLF, the column order of municipal-context.md §3.1.
const std::string kOldEvacuation =
    "NO,名称,名称_カナ,住所,方書,緯度,経度,標高,電話番号,内線番号,市区町村コード,都道府県名,"
    "市区町村名,災害種別_洪水,災害種別_崖崩れ、土石流及び地滑り,災害種別_高潮,災害種別_地震,"
    "災害種別_津波,災害種別_大規模な火事,災害種別_内水氾濫,災害種別_火山現象,指定避難所との重複,"
    "想定収容人数,対象となる町会・自治会,URL,備考\r\n"
    "1,白浜第一小学校,シラハマダイイチショウガッコウ,白浜町1,,33.6818,135.3775,12.5,,,30401,"
    "和歌山県,白浜町,1,,,1,1,,,,1,500,,,\r\n"
    "2,すさみ町の公園,スサミ,すさみ町2,,135.50,33.55,,,,304069,和歌山県,すさみ町,,,,1,,,,,,"
    "\"1,200\",,,\r\n"
    "3,壊れた行,,白浜町3,,33.6,135.3,,,,30401,和歌山県,白浜町,,,,,,,,,,,,,\"閉じない\r\n";

TEST(Importer, OldHeaderInCp932WithTenantSkipsAndReports) {
  auto bytes = ConvertEncoding(kOldEvacuation, "UTF-8", "CP932");
  ASSERT_TRUE(bytes);
  ImportOptions options;
  options.tenant = "304018";
  auto prepared = PrepareFile(*bytes, options);
  ASSERT_TRUE(prepared) << prepared.error().detail;
  EXPECT_EQ(prepared->encoding, TextEncoding::kCp932);
  EXPECT_EQ(prepared->layout.name, "evacuation_space");
  EXPECT_EQ(prepared->generation, HeaderGeneration::kOld);
  EXPECT_EQ(prepared->rows_read, 3u);
  EXPECT_EQ(prepared->skipped, 1u);         // すさみ町's row
  EXPECT_TRUE(prepared->warnings.empty());  // its exchanged coordinates are not this import's
  ASSERT_EQ(prepared->rejected.size(), 1u);
  EXPECT_EQ(prepared->rejected[0].line, 4u);  // the unterminated quote
  ASSERT_EQ(prepared->entities.size(), 1u);
  const auto& e = prepared->entities[0].entity;
  EXPECT_EQ(prepared->entities[0].tenant, "304018");
  EXPECT_EQ(e.id, "urn:ngsi-ld:EvacuationSite:304018-1");  // 30401 + check digit 8
  EXPECT_EQ(e.Find("hazards")->value, (boost::json::array{"洪水", "地震", "津波"}));
  EXPECT_EQ(e.Find("isShelter")->value.as_bool(), true);
  EXPECT_EQ(e.Find("capacity")->value.as_int64(), 500);
  EXPECT_DOUBLE_EQ(e.Find("elevation")->value.as_double(), 12.5);
}

TEST(Importer, WithoutTenantEachRowGoesToItsMunicipality) {
  auto prepared = PrepareFile(kOldEvacuation, ImportOptions{});
  ASSERT_TRUE(prepared);
  ASSERT_EQ(prepared->entities.size(), 2u);
  EXPECT_EQ(prepared->entities[0].tenant, "304018");
  EXPECT_EQ(prepared->entities[1].tenant, "304069");
  EXPECT_EQ(prepared->entities[1].entity.Find("capacity")->value.as_int64(), 1200);
  EXPECT_EQ(prepared->entities[1].entity.Find("isShelter"), nullptr);
  ASSERT_EQ(prepared->warnings.size(), 1u);
  EXPECT_EQ(prepared->warnings[0].line, 3u);
  EXPECT_NE(prepared->warnings[0].reason.find("exchanged"), std::string::npos);
}

// Prepares `csv` (dataset recognised from its header) and checks it is `dataset` with
// `rows` entities; an empty PreparedFile after a failure.
PreparedFile PrepareAs(const std::string& csv, std::string_view dataset, std::size_t rows) {
  auto prepared = PrepareFile(csv, ImportOptions{});
  if (!prepared) {
    ADD_FAILURE() << prepared.error().detail;
    return {};
  }
  EXPECT_EQ(prepared->layout.name, dataset);
  EXPECT_EQ(prepared->entities.size(), rows);
  return std::move(*prepared);
}

// Checks the values of the named attributes (present, equal as JSON).
void ExpectValues(const core::Entity& e,
                  std::initializer_list<std::pair<const char*, boost::json::value>> expected) {
  for (const auto& [name, value] : expected) {
    const auto* attribute = e.Find(name);
    ASSERT_NE(attribute, nullptr) << name;
    EXPECT_EQ(attribute->value, value) << name;
  }
}

TEST(Importer, EventDatesInWarekiAreNormalisedAndKept) {
  const std::string csv =
      "都道府県コード又は市区町村コード,NO,都道府県名,市区町村名,イベント名,開始日,終了日,開始時間,"
      "終了時間,説明\n"
      "304069,7,和歌山県,すさみ町,すさみ海祭り,令和6年8月3日,2024/8/4,9:00,17時,花火\n"
      "304069,8,和歌山県,すさみ町,冬祭り,平成32年1月1日,,,,\n";
  const auto prepared = PrepareAs(csv, "event", 2);
  ASSERT_EQ(prepared.entities.size(), 2u);
  const auto& e = prepared.entities[0].entity;
  EXPECT_EQ(e.id, "urn:ngsi-ld:Event:304069-7");
  ExpectValues(e, {{"startDate", "2024-08-03"},
                   {"startDateText", "令和6年8月3日"},
                   {"endDate", "2024-08-04"},
                   {"startTime", "09:00:00"},
                   {"endTime", "17:00:00"}});
  // 平成32年 does not exist: the text is kept, no date is made up, the row is imported.
  const auto& winter = prepared.entities[1].entity;
  EXPECT_EQ(winter.Find("startDate"), nullptr);
  EXPECT_EQ(winter.Find("startDateText")->value.as_string(), "平成32年1月1日");
  ASSERT_EQ(prepared.warnings.size(), 1u);
  EXPECT_EQ(prepared.warnings[0].line, 3u);
  EXPECT_EQ(prepared.warnings[0].column, "開始日");
}

TEST(Importer, ChildCareApprovalDateInAbbreviatedWareki) {
  // 和暦 as 北海道's lists abbreviate it (municipal-context.md §3.1: `昭32. 7. 1`).
  const std::string csv =
      "都道府県コード又は市区町村コード,NO,市区町村名,名称,名称_カナ,種別,住所,認可等年月日,"
      "収容定員,受入年齢,一時預かりの有無\n"
      "304018,3,白浜町,白浜保育園,シラハマホイクエン,保育所,白浜町3,昭32. 7. 1,90,0歳～5歳,有\n";
  const auto prepared = PrepareAs(csv, "child_care_facility", 1);
  ASSERT_EQ(prepared.entities.size(), 1u);
  const auto& e = prepared.entities[0].entity;
  EXPECT_EQ(e.id, "urn:ngsi-ld:ChildCareFacility:304018-3");
  ExpectValues(e, {{"approvalDate", "1957-07-01"},
                   {"approvalDateText", "昭32. 7. 1"},
                   {"capacity", 90},
                   {"temporaryChildcare", true}});
}

TEST(Importer, FileLevelProblemsAreErrors) {
  EXPECT_FALSE(PrepareFile("", ImportOptions{}));
  auto unknown = PrepareFile("a,b\n1,2\n", ImportOptions{});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().detail.find("--mapping"), std::string::npos);
  ImportOptions toilets;
  toilets.dataset = "public_toilet";
  auto wrong = PrepareFile("NO,名称\n1,x\n", toilets);
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().detail.find("男性トイレ総数"), std::string::npos);
}

}  // namespace
}  // namespace renkei::opendata
