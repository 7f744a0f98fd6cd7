#include "base/file_contents.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace renkei::base {
namespace {

class FileContentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("renkei-file-contents-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& bytes) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  std::filesystem::path dir_;
};

TEST_F(FileContentsTest, ReadsEveryByteIncludingZeros) {
  std::string bytes = "名称,緯度\r\n";
  bytes.push_back('\0');
  for (int i = 0; i < 300000; ++i) bytes.push_back(static_cast<char>(i * 7));
  auto read = ReadFileContents(Write("big.csv", bytes));
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, bytes);
}

TEST_F(FileContentsTest, AnEmptyFileIsAnEmptyString) {
  auto read = ReadFileContents(Write("empty.csv", ""));
  ASSERT_TRUE(read);
  EXPECT_EQ(*read, "");
}

TEST_F(FileContentsTest, AFileWithoutASizeIsReadToItsEnd) {
  // /proc files report size 0; the reader must not trust the size.
  auto read = ReadFileContents("/proc/self/status");
  ASSERT_TRUE(read);
  EXPECT_NE(read->find("Name:"), std::string::npos);
}

TEST_F(FileContentsTest, MissingFilesAndDirectoriesAreNotRead) {
  EXPECT_FALSE(ReadFileContents((dir_ / "absent.csv").string()));
  EXPECT_FALSE(ReadFileContents(dir_.string()));
}

}  // namespace
}  // namespace renkei::base
