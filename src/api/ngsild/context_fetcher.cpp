#include "api/ngsild/context_fetcher.hpp"

#include <charconv>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
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

struct ContextUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target = "/";
};

std::optional<ContextUrl> ParseContextUrl(std::string_view url) {
  ContextUrl out;
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
    out.port = "80";
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
    out.tls = true;
    out.port = "443";
  } else {
    return std::nullopt;
  }
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

using ResponseParser = beast::http::response_parser<beast::http::string_body>;

// Resolves, connects, runs `handshake` (nothing for http, TLS for https), sends the GET and
// reads the answer into `response`, all on `io` for at most `timeout` (a synchronous Beast
// read has no timeout). Returns why it failed, or nothing when the response is complete.
template <class Stream, class Handshake>
std::optional<std::string> Exchange(asio::io_context& io, Stream& stream, const ContextUrl& url,
                                    Handshake handshake, ResponseParser& response,
                                    std::chrono::milliseconds timeout) {
  asio::ip::tcp::resolver resolver(io);
  beast::flat_buffer buffer;
  beast::http::request<beast::http::empty_body> request(beast::http::verb::get, url.target, 11);
  request.set(beast::http::field::host, url.host);
  request.set(beast::http::field::accept, "application/ld+json, application/json");
  beast::error_code failure;
  bool done = false;
  auto& tcp = beast::get_lowest_layer(stream);
  tcp.expires_after(timeout);
  resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, auto endpoints) {
    if (ec) {
      failure = ec;
      return;
    }
    tcp.async_connect(endpoints, [&](beast::error_code ec2, auto) {
      if (ec2) {
        failure = ec2;
        return;
      }
      handshake([&](beast::error_code ec3) {
        if (ec3) {
          failure = ec3;
          return;
        }
        beast::http::async_write(stream, request, [&](beast::error_code ec4, std::size_t) {
          if (ec4) {
            failure = ec4;
            return;
          }
          beast::http::async_read(stream, buffer, response,
                                  [&](beast::error_code ec5, std::size_t) {
                                    failure = ec5;
                                    done = !ec5;
                                  });
        });
      });
    });
  });
  io.run_for(timeout);
  if (done) return std::nullopt;
  return failure ? failure.message() : std::string("timed out");
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
  auto parsed = ParseContextUrl(url);
  if (!parsed) return Unavailable(url, "only http:// and https:// context URLs are supported");
  asio::io_context io;
  ResponseParser response;
  response.body_limit(kMaxDocumentBytes);
  std::optional<std::string> failed;
  if (!parsed->tls) {
    beast::tcp_stream stream(io);
    failed = Exchange(
        io, stream, *parsed, [](auto next) { next(beast::error_code()); }, response, timeout_);
  } else {
    asio::ssl::context tls(asio::ssl::context::tls_client);
    beast::error_code ec;
    if (ca_file_.empty()) {
      tls.set_default_verify_paths(ec);
    } else {
      tls.load_verify_file(ca_file_, ec);
    }
    if (ec) return Unavailable(url, "no TLS trust store: " + ec.message());
    tls.set_verify_mode(asio::ssl::verify_peer);
    beast::ssl_stream<beast::tcp_stream> stream(io, tls);
    // SNI, and the certificate must name the host (RFC 9110 §4.3.4).
    // (SSL_set_tlsext_host_name without its C cast.)
    if (SSL_ctrl(stream.native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME, TLSEXT_NAMETYPE_host_name,
                 parsed->host.data()) != 1) {
      return Unavailable(url, "cannot set the TLS server name");
    }
    stream.set_verify_callback(asio::ssl::host_name_verification(parsed->host));
    failed = Exchange(
        io, stream, *parsed,
        [&stream](auto next) { stream.async_handshake(asio::ssl::stream_base::client, next); },
        response, timeout_);
  }
  if (failed) return Unavailable(url, *failed);
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
