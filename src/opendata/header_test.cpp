#include "opendata/header.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

TEST(Header, MergedMultiRowHeaderIsFlattened) {
  // The shape of toilet-map.csv's three header rows (shared/data/opendata/README.md).
  const auto table = ParseCsv(
      "Ｎｏ,名称,駐車場台数,,便器数,,,設備,\n"
      ",,一般,障害者用,男性用,,女性用,\"内部ｽﾍﾟｰｽ\nｍ×ｍ\",\n"
      ",,,,洋,和,洋,,\n",
      ',');
  const auto names = FlattenHeader(table.records);
  EXPECT_EQ(names, (std::vector<std::string>{
                       "Ｎｏ", "名称", "駐車場台数/一般", "駐車場台数/障害者用", "便器数/男性用/洋",
                       "便器数/男性用/和", "便器数/女性用/洋", "設備/内部ｽﾍﾟｰｽｍ×ｍ", ""}));
}

TEST(Header, OneRowIsCleanedOnly) {
  const auto table = ParseCsv(" 名称 ,\u3000緯度\u3000,経度\n", ',');
  EXPECT_EQ(FlattenHeader(table.records), (std::vector<std::string>{"名称", "緯度", "経度"}));
}

}  // namespace
}  // namespace renkei::opendata
