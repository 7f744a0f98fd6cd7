#include "api/ngsild/context_fetcher.hpp"

#include <charconv>

#include <boost/json/parse.hpp>

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;

base::Unexpected Unavailable(std::string_view url, std::string why) {
  return base::Fail(base::ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                    "cannot load @context " + std::string(url) + ": " + std::move(why));
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<std::chrono::seconds> CacheControlMaxAge(std::string_view cache_control) {
  std::optional<std::chrono::seconds> max_age;
  while (!cache_control.empty()) {
    const auto comma = cache_control.find(',');
    const auto directive = TrimSpaces(cache_control.substr(0, comma));
    cache_control = comma == std::string_view::npos ? "" : cache_control.substr(comma + 1);
    if (directive == "no-cache" || directive == "no-store") return std::chrono::seconds(0);
    constexpr std::string_view kMaxAge = "max-age=";
    if (!directive.starts_with(kMaxAge)) continue;
    auto digits = directive.substr(kMaxAge.size());
    if (digits.size() >= 2 && digits.front() == '"' && digits.back() == '"') {
      digits = digits.substr(1, digits.size() - 2);
    }
    long long seconds = 0;
    const auto* end = digits.data() + digits.size();
    const auto [ptr, ec] = std::from_chars(digits.data(), end, seconds);
    if (ec == std::errc() && ptr == end && seconds >= 0) max_age = std::chrono::seconds(seconds);
  }
  return max_age;
}

base::Result<FetchedContext> HttpContextFetcher::Fetch(std::string_view url) {
  http::ParsedUrl parsed;
  if (!http::ParseHttpUrl(url, parsed)) {
    return Unavailable(url, "only http:// and https:// context URLs are supported");
  }
  http::ClientRequest request;
  request.method = "GET";
  request.url = std::string(url);
  request.headers = {{"Accept", "application/ld+json, application/json"}};
  request.timeout = timeout_;
  request.max_response_bytes = kMaxDocumentBytes;
  auto response = client_.Send(request);
  if (!response) return Unavailable(url, response.error().detail);
  if (response->status != 200) {
    return Unavailable(url, "HTTP status " + std::to_string(response->status));
  }
  json::error_code ec;
  FetchedContext fetched;
  fetched.document = json::parse(response->body, ec);
  if (ec) return Unavailable(url, "not JSON: " + ec.message());
  if (auto cc = http::FindHeader(response->headers, "Cache-Control")) {
    fetched.max_age = CacheControlMaxAge(*cc);
  }
  return fetched;
}

}  // namespace renkei::api::ngsild
