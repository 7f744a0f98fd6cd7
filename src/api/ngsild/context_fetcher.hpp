// ContextFetcher: how the broker downloads a remote JSON-LD @context document (ETSI GS CIM
// 009 v1.8 §5.13.1 "Cached" contexts). The seam lets context_catalog_test.cpp fetch without a
// network; HttpContextFetcher is the real one.
//
// HttpContextFetcher: one HTTP/1.1 GET through http::Client, over TLS for https URLs (the
// server's certificate is verified against the system's trust store, or `ca_file`, and must
// name the URL's host; SNI is sent), every step bounded by one timeout. Answered promptly as
// kLdContextNotAvailable when the host is unreachable, slow, untrusted, answers a status
// other than 200, sends more than 1 MiB or no JSON. It caches nothing (ContextCatalog does).
// Thread-safety: Fetch may be called concurrently; each call runs on the calling thread.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "http/client.hpp"

namespace renkei::api::ngsild {

struct FetchedContext {
  boost::json::value document;
  // How long the server allows the copy to be reused (Cache-Control max-age), if it said.
  std::optional<std::chrono::seconds> max_age;
};

class ContextFetcher {
 public:
  virtual ~ContextFetcher() = default;
  virtual base::Result<FetchedContext> Fetch(std::string_view url) = 0;
};

class HttpContextFetcher final : public ContextFetcher {
 public:
  static constexpr std::size_t kMaxDocumentBytes = 1024 * 1024;

  // `ca_file`: PEM certificates to trust for https instead of the system's (tests).
  explicit HttpContextFetcher(std::chrono::milliseconds timeout, std::string ca_file = "")
      : timeout_(timeout), client_(http::ClientOptions{4, std::move(ca_file), "", {}}) {}
  base::Result<FetchedContext> Fetch(std::string_view url) override;

 private:
  std::chrono::milliseconds timeout_;
  http::Client client_;
};

// The max-age of a Cache-Control header value (RFC 9111 §5.2.2.1), if it has a valid one;
// `no-cache` and `no-store` count as 0.
std::optional<std::chrono::seconds> CacheControlMaxAge(std::string_view cache_control);

}  // namespace renkei::api::ngsild
