// MirroredContextFetcher: remote @context documents read from a local directory before the
// network is tried, for brokers that cannot or must not reach the context hosts (a municipal
// network on LGWAN has no Internet route; an operator may also pin the exact documents its
// apps were tested with). The directory mirrors URLs as `<host>/<path>`, the layout `wget
// --force-directories` writes: https://example.org/ctx/a.jsonld is `<dir>/example.org/ctx/a.jsonld`
// (scheme and port ignored). A URL with a query, a fragment, an empty path or a `..`/`.`
// segment is never looked up locally. A mirrored document is bounded and checked like a
// download (HttpContextFetcher::kMaxDocumentBytes, JSON); it carries no max-age, so
// ContextCatalog keeps it for its cached lifetime and a reload (§5.13.5) reads the file again.
// URLs without a mirrored file go to `fallback`. Thread-safety: as `fallback`.
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>

#include "api/ngsild/context_fetcher.hpp"

namespace renkei::api::ngsild {

// Where `url` is mirrored under `dir`; nullopt when the URL cannot name a mirrored file.
std::optional<std::filesystem::path> MirrorPathOf(const std::filesystem::path& dir,
                                                  std::string_view url);

class MirroredContextFetcher final : public ContextFetcher {
 public:
  // An empty `dir` mirrors nothing: every URL goes to `fallback`.
  MirroredContextFetcher(std::filesystem::path dir, ContextFetcher& fallback)
      : dir_(std::move(dir)), fallback_(fallback) {}
  base::Result<FetchedContext> Fetch(std::string_view url) override;

 private:
  std::filesystem::path dir_;
  ContextFetcher& fallback_;
};

}  // namespace renkei::api::ngsild
