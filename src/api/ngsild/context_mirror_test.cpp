// MirroredContextFetcher: URLs mapped to <dir>/<host>/<path>, files read instead of the
// network, everything else (no file, unsafe paths, queries) handed to the fallback fetcher;
// a mirrored file that is too large or not JSON is LdContextNotAvailable, not a fallback.
#include "api/ngsild/context_mirror.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <vector>

#include <boost/json/parse.hpp>

namespace renkei::api::ngsild {
namespace {

namespace fs = std::filesystem;

// Records the URLs it is asked for and answers each with an empty @context.
class RecordingFetcher final : public ContextFetcher {
 public:
  base::Result<FetchedContext> Fetch(std::string_view url) override {
    asked.emplace_back(url);
    return FetchedContext{boost::json::parse(R"({"@context": {"from": "network"}})"), {}};
  }
  std::vector<std::string> asked;
};

class ContextMirrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::random_device rd;
    dir_ = fs::temp_directory_path() / ("renkei-mirror-" + std::to_string(rd()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const fs::path& relative, const std::string& text) {
    fs::create_directories((dir_ / relative).parent_path());
    std::ofstream(dir_ / relative, std::ios::binary) << text;
  }
  fs::path dir_;
  RecordingFetcher network_;
};

TEST_F(ContextMirrorTest, MapsAUrlToHostAndPathWhateverTheSchemeAndPort) {
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/a/b.jsonld"), dir_ / "example.org/a/b.jsonld");
  EXPECT_EQ(MirrorPathOf(dir_, "http://example.org:8080/a/b.jsonld"),
            dir_ / "example.org/a/b.jsonld");
}

TEST_F(ContextMirrorTest, NeverMapsUnsafeOrAmbiguousUrls) {
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/a/../../etc/passwd"), std::nullopt);
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/./a.jsonld"), std::nullopt);
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org//a.jsonld"), std::nullopt);
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/a.jsonld?v=2"), std::nullopt);
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/"), std::nullopt);
  EXPECT_EQ(MirrorPathOf(dir_, "https://example.org/a%2F..%2Fb"), dir_ / "example.org/a%2F..%2Fb");
  EXPECT_EQ(MirrorPathOf(dir_, "ftp://example.org/a.jsonld"), std::nullopt);
  EXPECT_EQ(MirrorPathOf("", "https://example.org/a.jsonld"), std::nullopt);
}

TEST_F(ContextMirrorTest, AMirroredUrlIsReadFromItsFileWithoutTheNetwork) {
  Write("example.org/ctx/a.jsonld", R"({"@context": {"name": "https://schema.org/name"}})");
  MirroredContextFetcher fetcher(dir_, network_);
  auto fetched = fetcher.Fetch("https://example.org/ctx/a.jsonld");
  ASSERT_TRUE(fetched) << fetched.error().detail;
  EXPECT_EQ(fetched->document.at("@context").at("name"), "https://schema.org/name");
  EXPECT_EQ(fetched->max_age, std::nullopt);
  EXPECT_TRUE(network_.asked.empty());
}

TEST_F(ContextMirrorTest, AUrlWithoutAFileGoesToTheNetwork) {
  Write("example.org/ctx/a.jsonld", R"({"@context": {}})");
  MirroredContextFetcher fetcher(dir_, network_);
  ASSERT_TRUE(fetcher.Fetch("https://example.org/ctx/other.jsonld"));
  ASSERT_TRUE(fetcher.Fetch("https://example.org/ctx"));  // a directory, not a file
  ASSERT_TRUE(fetcher.Fetch("https://example.org/ctx/a.jsonld?v=1"));
  EXPECT_EQ(network_.asked, (std::vector<std::string>{"https://example.org/ctx/other.jsonld",
                                                      "https://example.org/ctx",
                                                      "https://example.org/ctx/a.jsonld?v=1"}));
}

TEST_F(ContextMirrorTest, ABadMirroredFileIsLdContextNotAvailable) {
  Write("example.org/broken.jsonld", "{\"@context\": ");
  Write("example.org/huge.jsonld",
        std::string(HttpContextFetcher::kMaxDocumentBytes + 1, ' ') + "{}");
  MirroredContextFetcher fetcher(dir_, network_);
  for (const char* url : {"https://example.org/broken.jsonld", "https://example.org/huge.jsonld"}) {
    auto fetched = fetcher.Fetch(url);
    ASSERT_FALSE(fetched) << url;
    EXPECT_EQ(fetched.error().code, base::ErrorCode::kLdContextNotAvailable);
    EXPECT_NE(fetched.error().detail.find("mirror"), std::string::npos);
  }
  EXPECT_TRUE(network_.asked.empty());
}

}  // namespace
}  // namespace renkei::api::ngsild
