#include "api/ngsild/context_fetcher.hpp"

#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

namespace renkei::api::ngsild {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace json = boost::json;

base::Unexpected Unavailable(std::string_view url, std::string why) {
  return base::Fail(base::ErrorCode::kLdContextNotAvailable, "LdContextNotAvailable",
                    "cannot load @context " + std::string(url) + ": " + std::move(why));
}

struct HttpUrl {
  std::string host;
  std::string port = "80";
  std::string target = "/";
};

std::optional<HttpUrl> ParseHttpUrl(std::string_view url) {
  constexpr std::string_view kScheme = "http://";
  if (!url.starts_with(kScheme)) return std::nullopt;
  url.remove_prefix(kScheme.size());
  HttpUrl out;
  const auto slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  if (slash != std::string_view::npos) out.target = std::string(url.substr(slash));
  // A fragment is never sent (RFC 9110 §7.1).
  if (const auto hash = out.target.find('#'); hash != std::string::npos) out.target.resize(hash);
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return std::nullopt;
  out.host = std::string(authority);
  return out;
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

// One GET with every step bounded by timeout_: the async operations run on a private
// io_context for at most that long (a synchronous Beast read has no timeout).
base::Result<FetchedContext> HttpContextFetcher::Fetch(std::string_view url) {
  auto parsed = ParseHttpUrl(url);
  if (!parsed) return Unavailable(url, "only http:// context URLs are supported");
  asio::io_context io;
  beast::tcp_stream stream(io);
  asio::ip::tcp::resolver resolver(io);
  beast::flat_buffer buffer;
  beast::http::request<beast::http::empty_body> request(beast::http::verb::get, parsed->target, 11);
  request.set(beast::http::field::host, parsed->host);
  request.set(beast::http::field::accept, "application/ld+json, application/json");
  beast::http::response_parser<beast::http::string_body> response;
  response.body_limit(kMaxDocumentBytes);
  beast::error_code failure;
  bool done = false;
  stream.expires_after(timeout_);
  resolver.async_resolve(parsed->host, parsed->port, [&](beast::error_code ec, auto endpoints) {
    if (ec) {
      failure = ec;
      return;
    }
    stream.async_connect(endpoints, [&](beast::error_code ec2, auto) {
      if (ec2) {
        failure = ec2;
        return;
      }
      beast::http::async_write(stream, request, [&](beast::error_code ec3, std::size_t) {
        if (ec3) {
          failure = ec3;
          return;
        }
        beast::http::async_read(stream, buffer, response, [&](beast::error_code ec4, std::size_t) {
          failure = ec4;
          done = !ec4;
        });
      });
    });
  });
  io.run_for(timeout_);
  if (!done) {
    return Unavailable(url, failure ? failure.message() : std::string("timed out"));
  }
  const auto& res = response.get();
  if (res.result_int() != 200) {
    return Unavailable(url, "HTTP status " + std::to_string(res.result_int()));
  }
  json::error_code ec;
  FetchedContext fetched;
  fetched.document = json::parse(res.body(), ec);
  if (ec) return Unavailable(url, "not JSON: " + ec.message());
  if (auto cc = res.find(beast::http::field::cache_control); cc != res.end()) {
    fetched.max_age = CacheControlMaxAge(std::string_view(cc->value().data(), cc->value().size()));
  }
  return fetched;
}

}  // namespace renkei::api::ngsild
