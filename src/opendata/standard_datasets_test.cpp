#include "opendata/standard_datasets.hpp"

#include <gtest/gtest.h>

#include "opendata/municipality_code.hpp"

namespace renkei::opendata {
namespace {

using Header = std::vector<std::string>;

// Headers copied from municipal-context.md §3.1 (old 推奨データセット and new 自治体標準).
const Header kOldToilet{"都道府県コード又は市区町村コード",
                        "NO",
                        "都道府県名",
                        "市区町村名",
                        "名称",
                        "名称_カナ",
                        "名称_英語",
                        "住所",
                        "方書",
                        "設置位置",
                        "緯度",
                        "経度",
                        "男性トイレ総数",
                        "男性トイレ数（小便器）",
                        "女性トイレ総数",
                        "多機能トイレ数"};
const Header kNewToilet{
    "全国地方公共団体コード", "ID",   "地方公共団体名", "名称",           "名称_カナ",
    "所在地_連結表記",        "緯度", "経度",           "男性トイレ総数", "女性トイレ総数",
    "バリアフリートイレ数"};
const Header kOldEvacuation{"NO",          "名称",          "名称_カナ",      "住所",
                            "方書",        "緯度",          "経度",           "標高",
                            "電話番号",    "内線番号",      "市区町村コード", "都道府県名",
                            "市区町村名",  "災害種別_洪水", "災害種別_津波",  "指定避難所との重複",
                            "想定収容人数"};
const Header kNewEvacuation{"全国地方公共団体コード",
                            "ID",
                            "名称",
                            "名称_カナ",
                            "名称_英字",
                            "所在地_連結表記",
                            "緯度",
                            "経度",
                            "標高",
                            "災害種別_洪水",
                            "災害種別_地震",
                            "指定避難所との重複",
                            "想定収容人数"};
const Header kOldAed{"都道府県コード又は市区町村コード",
                     "NO",
                     "都道府県名",
                     "市区町村名",
                     "名称",
                     "名称_カナ",
                     "住所",
                     "方書",
                     "緯度",
                     "経度",
                     "設置位置",
                     "小児対応設備の有無"};

TEST(StandardDatasets, BothHeaderGenerationsAreRecognised) {
  struct Case {
    const Header& header;
    const char* dataset;
    HeaderGeneration generation;
  };
  for (const auto& c : {Case{kOldToilet, "public_toilet", HeaderGeneration::kOld},
                        Case{kNewToilet, "public_toilet", HeaderGeneration::kNew},
                        Case{kOldEvacuation, "evacuation_space", HeaderGeneration::kOld},
                        Case{kNewEvacuation, "evacuation_space", HeaderGeneration::kNew},
                        Case{kOldAed, "aed", HeaderGeneration::kOld}}) {
    auto recognized = RecognizeDataset(c.header);
    ASSERT_TRUE(recognized) << c.dataset;
    EXPECT_EQ(recognized->layout.name, c.dataset);
    EXPECT_EQ(recognized->generation, c.generation) << c.dataset;
  }
}

// Old headers of the other datasets (municipal-context.md §3.1, [NECSDM] column order) and
// the new 消防水利施設一覧 header (南さつま市).
TEST(StandardDatasets, TheOtherDatasetsAreRecognised) {
  const std::string code = "都道府県コード又は市区町村コード";
  struct Case {
    Header header;
    const char* dataset;
  };
  const std::vector<Case> cases{
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称", "名称_英語",
        "文化財分類", "種類", "場所名称", "住所", "文化財指定日"},
       "cultural_property"},
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "医療機関の種類", "住所",
        "法人の名称", "医療機関コード", "診療曜日", "病床数"},
       "medical_institution"},
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "種別", "住所", "団体名",
        "認可等年月日", "収容定員", "受入年齢", "一時預かりの有無"},
       "child_care_facility"},
      {{code, "NO", "都道府県名", "市区町村名", "介護サービス事業所名称",
        "介護サービス事業所名称_カナ", "実施サービス", "住所", "定員"},
       "care_service"},
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_英語", "住所", "設置者",
        "SSID", "提供エリア"},
       "wifi_access_point"},
      {{code, "NO", "都道府県名", "市区町村名", "種別", "住所", "方書", "緯度", "経度", "口径",
        "備考"},
       "fire_water_supply"},
      {{"全国地方公共団体コード", "ID", "地方公共団体名", "種別", "所在地_全国地方公共団体コード",
        "町字ID", "所在地_連結表記", "緯度", "経度", "口径", "備考"},
       "fire_water_supply"},
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_通称", "POIコード",
        "住所", "団体名", "説明", "バリアフリー情報"},
       "public_facility"},
      {{code, "NO", "都道府県名", "市区町村名", "名称", "名称_カナ", "名称_英語", "POIコード",
        "住所", "料金(基本)", "説明"},
       "tourism"},
      {{code, "NO", "都道府県名", "市区町村名", "イベント名", "イベント名_カナ", "開始日",
        "終了日"},
       "event"},
  };
  for (const auto& c : cases) {
    auto recognized = RecognizeDataset(c.header);
    ASSERT_TRUE(recognized) << c.dataset;
    EXPECT_EQ(recognized->layout.name, c.dataset);
  }
}

TEST(StandardDatasets, UnknownHeadersAreNotGuessed) {
  EXPECT_FALSE(RecognizeDataset({"避難先名称", "管轄市町村名", "災害区分"}));
  EXPECT_FALSE(RecognizeDataset({}));
}

TEST(StandardDatasets, NamesAreUniqueAndFindable) {
  for (const auto& layout : StandardDatasets()) {
    auto found = FindStandardDataset(layout.name);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->entity_type, layout.entity_type);
    EXPECT_FALSE(layout.signature.empty());
  }
  EXPECT_FALSE(FindStandardDataset("gtfs"));
}

TEST(MunicipalityCode, CheckDigit) {
  // Codes named in the issue and municipal-context.md: 白浜町, すさみ町, 太地町, 有田市,
  // 江東区, 千代田区, 札幌市.
  for (const char* code : {"304018", "304069", "304221", "302040", "131083", "131016", "011002"}) {
    EXPECT_TRUE(IsValidMunicipalityCode(code)) << code;
  }
  EXPECT_FALSE(IsValidMunicipalityCode("304017"));
  EXPECT_FALSE(IsValidMunicipalityCode("30401"));
  EXPECT_FALSE(IsValidMunicipalityCode("30401x"));
  EXPECT_EQ(NormalizeMunicipalityCode("30401"), "304018");
  EXPECT_EQ(NormalizeMunicipalityCode("304018"), "304018");
  EXPECT_EQ(NormalizeMunicipalityCode("304019"), std::nullopt);
}

}  // namespace
}  // namespace renkei::opendata
