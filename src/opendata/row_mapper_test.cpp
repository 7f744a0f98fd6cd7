#include "opendata/row_mapper.hpp"

#include <gtest/gtest.h>

#include "opendata/layout_file.hpp"
#include "opendata/standard_datasets.hpp"

namespace renkei::opendata {
namespace {

const std::vector<std::string> kHeader{"全国地方公共団体コード",
                                       "ID",
                                       "名称",
                                       "緯度",
                                       "経度",
                                       "男性トイレ総数",
                                       "女性トイレ総数",
                                       "車椅子使用者用トイレ有無",
                                       "利用開始時間"};

RowMapper ToiletMapper(std::string tenant = "") {
  auto mapper =
      RowMapper::Create(*FindStandardDataset("public_toilet"), kHeader, std::move(tenant), false);
  EXPECT_TRUE(mapper);
  return std::move(*mapper);
}

CsvRecord Row(std::vector<std::string> fields, std::size_t line = 2) {
  return CsvRecord{line, std::move(fields)};
}

TEST(RowMapper, StandardRowBecomesAnEntity) {
  auto mapped = ToiletMapper().Map(Row({"131083", "131083C00001", "万年橋際公衆便所", "35.683220",
                                        "139.794785", "2", "0", "有", "9:00"}));
  ASSERT_TRUE(mapped.entity);
  const auto& e = *mapped.entity;
  EXPECT_EQ(e.id, "urn:ngsi-ld:PublicToilet:131083C00001");
  EXPECT_EQ(e.types, std::vector<std::string>{"PublicToilet"});
  EXPECT_EQ(e.Find("name")->value.as_string(), "万年橋際公衆便所");
  EXPECT_EQ(e.Find("maleToilets")->value.as_int64(), 2);
  EXPECT_EQ(e.Find("wheelchairAccessible")->value.as_bool(), true);
  EXPECT_EQ(e.Find("opens")->value.as_string(), "09:00:00");
  EXPECT_EQ(e.Find("opensText")->value.as_string(), "9:00");
  const auto* location = e.Find("location");
  ASSERT_NE(location, nullptr);
  EXPECT_EQ(location->type, "geo:json");
  EXPECT_EQ(location->kind, core::AttributeKind::kGeoProperty);
  const auto& coords = location->value.at("coordinates").as_array();
  EXPECT_DOUBLE_EQ(coords[0].as_double(), 139.794785);  // longitude first (GeoJSON)
  EXPECT_DOUBLE_EQ(coords[1].as_double(), 35.683220);
  EXPECT_TRUE(mapped.warnings.empty());
}

// Cells lose ASCII blanks and full-width spaces (U+3000) at both ends, in any mix, and keep
// those inside; a cell of blanks only is empty.
TEST(RowMapper, CellsAreTrimmedOfAsciiAndFullWidthBlanks) {
  auto mapped =
      ToiletMapper().Map(Row({" 131083\t", "\u3000X1 ", "\u3000 \t万年橋　公衆便所\r\n\u3000",
                              "35.6", "139.7", " \u3000 ", "", "", ""}));
  ASSERT_TRUE(mapped.entity);
  EXPECT_EQ(mapped.entity->id, "urn:ngsi-ld:PublicToilet:131083-X1");
  EXPECT_EQ(mapped.entity->Find("name")->value.as_string(), "万年橋　公衆便所");
  EXPECT_EQ(mapped.entity->Find("maleToilets"), nullptr);
}

TEST(RowMapper, SameDataGivesTheSameId) {
  auto mapper = ToiletMapper();
  auto a = mapper.Map(Row({"131083", "X1", "A", "35.6", "139.7", "1", "1", "", ""}));
  auto b = mapper.Map(Row({"131083", "X1", "B", "35.6", "139.7", "1", "1", "", ""}, 9));
  ASSERT_TRUE(a.entity && b.entity);
  EXPECT_EQ(a.entity->id, "urn:ngsi-ld:PublicToilet:131083-X1");
  EXPECT_EQ(a.entity->id, b.entity->id);
}

TEST(RowMapper, ExchangedCoordinatesAreSwappedBackWithAWarning) {
  auto mapped = ToiletMapper().Map(Row({"131083", "X1", "A", "139.7", "35.6", "", "", "", ""}));
  ASSERT_TRUE(mapped.entity);
  const auto& coords = mapped.entity->Find("location")->value.at("coordinates").as_array();
  EXPECT_DOUBLE_EQ(coords[0].as_double(), 139.7);
  EXPECT_DOUBLE_EQ(coords[1].as_double(), 35.6);
  ASSERT_EQ(mapped.warnings.size(), 1u);
  EXPECT_NE(mapped.warnings[0].reason.find("exchanged"), std::string::npos);
}

TEST(RowMapper, PlaceholderOrForeignCoordinatesGiveNoLocation) {
  for (auto [lat, lon] : {std::pair{"0", "0"}, std::pair{"48.85", "2.35"}}) {
    auto mapped = ToiletMapper().Map(Row({"131083", "X1", "A", lat, lon, "", "", "", ""}));
    ASSERT_TRUE(mapped.entity);
    EXPECT_EQ(mapped.entity->Find("location"), nullptr) << lat;
    ASSERT_EQ(mapped.warnings.size(), 1u);
    EXPECT_EQ(mapped.warnings[0].column, "緯度");
  }
}

TEST(RowMapper, RejectionsNameLineColumnAndReason) {
  auto mapper = ToiletMapper();
  auto bad_code = mapper.Map(Row({"131084", "X1", "A", "", "", "", "", "", ""}, 7));
  ASSERT_TRUE(bad_code.rejection);
  EXPECT_EQ(bad_code.rejection->line, 7u);
  EXPECT_EQ(bad_code.rejection->column, "全国地方公共団体コード");
  auto no_id = mapper.Map(Row({"131083", "", "A", "", "", "", "", "", ""}));
  ASSERT_TRUE(no_id.rejection);
  EXPECT_EQ(no_id.rejection->column, "ID");
  auto too_long = mapper.Map(Row({"131083", "X", "A", "", "", "", "", "", "", "extra"}));
  ASSERT_TRUE(too_long.rejection);
  EXPECT_NE(too_long.rejection->reason.find("10 fields"), std::string::npos);
}

TEST(RowMapper, ShortRowsAreImportedWithAWarning) {
  auto mapped = ToiletMapper().Map(Row({"131083", "X1", "A", "35.6", "139.7"}));
  ASSERT_TRUE(mapped.entity);
  ASSERT_FALSE(mapped.warnings.empty());
  EXPECT_EQ(mapped.warnings[0].column, "男性トイレ総数");
}

TEST(RowMapper, RowsWithoutMunicipalityNeedTheTenant) {
  const std::vector<std::string> header{"NO", "名称", "男性トイレ総数", "女性トイレ総数"};
  auto layout = *FindStandardDataset("public_toilet");
  auto without = RowMapper::Create(layout, header, "", false);
  ASSERT_TRUE(without);
  auto rejected = without->Map(Row({"5", "A", "1", "1"}));
  ASSERT_TRUE(rejected.rejection);
  auto with = RowMapper::Create(layout, header, "304018", false);
  auto mapped = with->Map(Row({"5", "A", "1", "1"}));
  ASSERT_TRUE(mapped.entity);
  EXPECT_EQ(mapped.entity->id, "urn:ngsi-ld:PublicToilet:304018-5");
}

TEST(RowMapper, MappingFileWithPackedListAndMunicipalityNames) {
  auto layout = ParseLayout(R"(
entity_type = "EvacuationSite"
id_columns = ["町", "名前"]
municipality_name = "町"
latitude = "緯度"
longitude = "経度"
[municipalities]
"白浜町" = "304018"
[[columns]]
column = "名前"
attribute = "name"
[[columns]]
column = "災害"
attribute = "hazards"
kind = "list"
separator = "　"
)",
                            "test.toml");
  ASSERT_TRUE(layout) << layout.error().detail;
  const std::vector<std::string> header{"名前", "町", "災害", "経度", "緯度"};
  auto mapper = RowMapper::Create(*layout, header, "", true);
  ASSERT_TRUE(mapper) << mapper.error().detail;
  auto mapped = mapper->Map(Row({"公園", "白浜町", "洪水　地震　", "135.38", "33.68"}));
  ASSERT_TRUE(mapped.entity);
  EXPECT_EQ(mapped.municipality_code, "304018");
  EXPECT_TRUE(mapped.entity->id.starts_with("urn:ngsi-ld:EvacuationSite:304018-"));
  EXPECT_EQ(mapped.entity->Find("hazards")->value, (boost::json::array{"洪水", "地震"}));
  auto unknown = mapper->Map(Row({"公園", "東京", "", "135.38", "33.68"}));
  ASSERT_TRUE(unknown.rejection);
  EXPECT_EQ(unknown.rejection->column, "町");

  auto missing = RowMapper::Create(*layout, {"名前", "町"}, "", true);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().detail.find("災害"), std::string::npos);
}

TEST(LayoutFile, MistakesAreReported) {
  EXPECT_FALSE(ParseLayout("entity_type = ", "a.toml"));
  auto typo = ParseLayout(
      "entity_type = \"T\"\nid_column = [\"x\"]\n[[columns]]\ncolumn=\"a\"\n"
      "attribute=\"b\"\n",
      "a.toml");
  ASSERT_FALSE(typo);
  EXPECT_NE(typo.error().detail.find("id_column"), std::string::npos);
  auto kind = ParseLayout(
      "entity_type = \"T\"\n[[columns]]\ncolumn=\"a\"\nattribute=\"b\"\n"
      "kind=\"money\"\n",
      "a.toml");
  ASSERT_FALSE(kind);
  auto code = ParseLayout(
      "entity_type = \"T\"\n[municipalities]\n\"白浜町\" = \"304017\"\n"
      "[[columns]]\ncolumn=\"a\"\nattribute=\"b\"\n",
      "a.toml");
  ASSERT_FALSE(code);
  EXPECT_NE(code.error().detail.find("check digit"), std::string::npos);
}

}  // namespace
}  // namespace renkei::opendata
