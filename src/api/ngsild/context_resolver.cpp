#include "api/ngsild/context_resolver.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/json/parse.hpp>

#include "core/json_text.hpp"
#include "core/jsonld/core_context.hpp"

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
  if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    out.port = std::string(authority.substr(colon + 1));
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) return std::nullopt;
  out.host = std::string(authority);
  return out;
}

}  // namespace

base::Result<json::value> HttpContextLoader::Load(std::string_view url) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = documents_.find(std::string(url)); it != documents_.end()) return it->second;
  }
  RENKEI_TRY(auto document, Fetch(url));
  std::lock_guard<std::mutex> lock(mutex_);
  documents_.emplace(std::string(url), document);
  return document;
}

// One GET with every step bounded by timeout_: the async operations run on a private
// io_context for at most that long (a synchronous Beast read has no timeout).
base::Result<json::value> HttpContextLoader::Fetch(std::string_view url) const {
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
  response.body_limit(1024 * 1024);
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
  auto document = json::parse(res.body(), ec);
  if (ec) return Unavailable(url, "not JSON: " + ec.message());
  return document;
}

base::Result<std::shared_ptr<const core::jsonld::ActiveContext>> ContextResolver::Resolve(
    const json::value& user_context) {
  if (user_context.is_null()) return core::jsonld::MakeCoreContext();
  std::string key = core::ToJsonText(user_context);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (auto it = contexts_.find(key); it != contexts_.end()) return it->second;
  }
  RENKEI_TRY(auto context, core::jsonld::WithUserContext(user_context, loader_));
  std::lock_guard<std::mutex> lock(mutex_);
  // A crude bound: inline contexts are unbounded in variety; start over when full.
  if (contexts_.size() >= kMaxCachedContexts) contexts_.clear();
  contexts_.emplace(std::move(key), context);
  return context;
}

}  // namespace renkei::api::ngsild
