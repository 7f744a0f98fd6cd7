#include "opendata/csv_reader.hpp"

#include <gtest/gtest.h>

namespace renkei::opendata {
namespace {

TEST(CsvReader, QuotedFieldsWithCommasQuotesAndLineBreaks) {
  const auto table = ParseCsv("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"x\ny\",2,3\r\n", ',');
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].fields, (std::vector<std::string>{"a", "b,c", "say \"hi\""}));
  EXPECT_EQ(table.records[1].fields, (std::vector<std::string>{"x\ny", "2", "3"}));
  EXPECT_TRUE(table.problems.empty());
}

// A quoted field is copied a run at a time between quotes: doubled quotes at either end and
// next to each other, several line breaks in one run, and the lines after them still counted.
TEST(CsvReader, QuotedRunsWithDoubledQuotesAndSeveralLineBreaks) {
  const auto table = ParseCsv("\"\"\"a\n\nb\"\"\",\"\"\n\"x\"\"\"\"y\",\"\"\"\"\nlast\n", ',');
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[0].fields, (std::vector<std::string>{"\"a\n\nb\"", ""}));
  EXPECT_EQ(table.records[1].fields, (std::vector<std::string>{"x\"\"y", "\""}));
  EXPECT_EQ(table.records[1].line, 4u);
  EXPECT_EQ(table.records[2].line, 5u);
  EXPECT_TRUE(table.problems.empty());
}

TEST(CsvReader, LinesAreCountedAcrossQuotedLineBreaks) {
  const auto table = ParseCsv("h1,h2\n\"multi\nline\",1\nlast,2\n", ',');
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[1].line, 2u);
  EXPECT_EQ(table.records[2].line, 4u);
}

TEST(CsvReader, LfCrlfAndNoFinalNewlineGiveTheSameRecords) {
  const auto lf = ParseCsv("a,b\n1,2", ',');
  const auto crlf = ParseCsv("a,b\r\n1,2\r\n", ',');
  ASSERT_EQ(lf.records.size(), 2u);
  ASSERT_EQ(crlf.records.size(), 2u);
  EXPECT_EQ(lf.records[1].fields, crlf.records[1].fields);
}

TEST(CsvReader, EmptyFieldsAndBlankLines) {
  const auto table = ParseCsv("a,,c\n\n,,\n", ',');
  ASSERT_EQ(table.records.size(), 2u);
  EXPECT_EQ(table.records[0].fields, (std::vector<std::string>{"a", "", "c"}));
  EXPECT_EQ(table.records[1].fields, (std::vector<std::string>{"", "", ""}));
  EXPECT_EQ(table.records[1].line, 3u);
}

TEST(CsvReader, RaggedRowsAreReturnedAsTheyAre) {
  const auto table = ParseCsv("a,b,c\n1,2\n1,2,3,4\n", ',');
  ASSERT_EQ(table.records.size(), 3u);
  EXPECT_EQ(table.records[1].fields.size(), 2u);
  EXPECT_EQ(table.records[2].fields.size(), 4u);
}

TEST(CsvReader, UnterminatedQuoteIsReportedNotFatal) {
  const auto table = ParseCsv("a,b\n1,\"open\n2,3\n", ',');
  ASSERT_EQ(table.problems.size(), 1u);
  EXPECT_EQ(table.problems[0].line, 2u);
  EXPECT_NE(table.problems[0].reason.find("never closed"), std::string::npos);
}

TEST(CsvReader, TabDelimiterIsGuessedFromTheFirstLine) {
  EXPECT_EQ(GuessDelimiter("名称\t住所\t緯度\nx,y\tz\n"), '\t');
  EXPECT_EQ(GuessDelimiter("名称,住所\tx,緯度\n"), ',');
  const auto table = ParseCsv("a\tb,c\n", '\t');
  EXPECT_EQ(table.records[0].fields, (std::vector<std::string>{"a", "b,c"}));
}

}  // namespace
}  // namespace renkei::opendata
