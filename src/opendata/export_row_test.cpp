#include "opendata/export_row.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "opendata/exporter.hpp"
#include "opendata/standard_datasets.hpp"

namespace renkei::opendata {
namespace {

core::Attribute Text(std::string name, boost::json::value value) {
  core::Attribute a;
  a.name = std::move(name);
  a.type = "Text";
  a.value = std::move(value);
  return a;
}

TEST(ExportRow, LocalIdIsTheInverseOfTheImportedId) {
  EXPECT_EQ(LocalIdOf("urn:ngsi-ld:AED:304018-12", "AED", "304018"), "12");
  EXPECT_EQ(LocalIdOf("urn:ngsi-ld:PublicToilet:131083C00001", "PublicToilet", "131083"),
            "131083C00001");
}

TEST(ExportRow, NumbersAndCsvFields) {
  EXPECT_EQ(NumberText(boost::json::value(52)), "52");
  EXPECT_EQ(NumberText(boost::json::value(12.5)), "12.5");
  EXPECT_EQ(CsvField("plain"), "plain");
  EXPECT_EQ(CsvField("a,\"b\""), "\"a,\"\"b\"\"\"");
  EXPECT_EQ(CsvField("two\nlines"), "\"two\nlines\"");
}

TEST(ExportRow, EvacuationFlagsHazardsAndOriginalTexts) {
  auto layout = FindStandardDataset("evacuation_space");
  auto columns = FindStandardColumns("evacuation_space", ExportGeneration::kNew);
  ASSERT_TRUE(layout && columns);
  const ExportRowRenderer renderer(*layout, *columns);
  core::Entity entity;
  entity.id = "urn:ngsi-ld:EvacuationSite:304018-7";
  entity.types = {"EvacuationSite"};
  entity.attributes = {
      Text("municipalityCode", "304018"),
      Text("hazards", boost::json::array{"津波", "崖崩れ・土石流及び地滑り"}),
      Text("isShelter", false), Text("capacity", 120),
      Text("location", boost::json::value{{"type", "Point"}, {"coordinates", {135.5, 33.25}}})};
  const auto cells = renderer.Render(entity);
  auto cell = [&](std::string_view column) {
    const auto& header = renderer.header();
    const auto at = std::find(header.begin(), header.end(), column) - header.begin();
    return cells.at(static_cast<std::size_t>(at));
  };
  EXPECT_EQ(cell("全国地方公共団体コード"), "304018");
  EXPECT_EQ(cell("ID"), "7");
  EXPECT_EQ(cell("災害種別_津波"), "1");
  EXPECT_EQ(cell("災害種別_崖崩れ、土石流及び地滑り"), "1");
  EXPECT_EQ(cell("災害種別_洪水"), "");
  EXPECT_EQ(cell("指定避難所との重複"), "");
  EXPECT_EQ(cell("想定収容人数"), "120");
  EXPECT_EQ(cell("緯度"), "33.250000");
  EXPECT_EQ(cell("経度"), "135.500000");
  EXPECT_EQ(cell("名称"), "");
}

TEST(ExportRow, OriginalTimeTextWinsOverTheNormalisedValue) {
  auto layout = FindStandardDataset("aed");
  auto columns = FindStandardColumns("aed", ExportGeneration::kOld);
  ASSERT_TRUE(layout && columns);
  const ExportRowRenderer renderer(*layout, *columns);
  core::Entity entity;
  entity.id = "urn:ngsi-ld:AED:304018-1";
  entity.attributes = {Text("opens", "09:30:00"), Text("opensText", "9時30分"),
                       Text("closes", "17:00:00"), Text("equipmentForChildren", true)};
  const auto cells = renderer.Render(entity);
  const auto& header = renderer.header();
  auto at = [&](std::string_view c) {
    return static_cast<std::size_t>(std::find(header.begin(), header.end(), c) - header.begin());
  };
  EXPECT_EQ(cells.at(at("開始時間")), "9時30分");
  EXPECT_EQ(cells.at(at("終了時間")), "17:00:00");
  EXPECT_EQ(cells.at(at("小児対応設備の有無")), "有");
}

}  // namespace
}  // namespace renkei::opendata
