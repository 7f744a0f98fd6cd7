// Fuzzes the HTTP request-target parser (http/request_target.hpp: ParseRequestTarget,
// AppendPercentDecoded) with the whole input as the target. Checks: decoding appends and never
// grows a text; the path and every query pair are no longer than the target; parsing again
// into reused strings and vectors (as a keep-alive connection does) gives the same result.
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "http/request_target.hpp"
#include "tests/fuzz/fuzz_input.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using renkei::fuzz::FuzzCheck;
  auto target = renkei::fuzz::AsText(data, size);

  std::string decoded = "prefix";
  renkei::http::AppendPercentDecoded(target, decoded);
  FuzzCheck(decoded.size() <= target.size() + 6, "percent-decoding grew the text");
  FuzzCheck(decoded.starts_with("prefix"), "AppendPercentDecoded overwrote its output");

  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  renkei::http::ParseRequestTarget(target, path, query);
  FuzzCheck(path.size() <= target.size(), "the path is longer than the target");
  for (const auto& [name, value] : query) {
    FuzzCheck(name.size() + value.size() <= target.size(), "a query pair outgrew the target");
  }

  std::string path_again = "stale";
  std::vector<std::pair<std::string, std::string>> query_again = {{"stale", "x"}};
  renkei::http::ParseRequestTarget(target, path_again, query_again);
  renkei::http::ParseRequestTarget(target, path_again, query_again);
  FuzzCheck(path_again == path && query_again == query, "reparsing into reused strings differs");
  return 0;
}
