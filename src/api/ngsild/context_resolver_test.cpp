// Remote @context loading over HTTP (a tiny Beast server on 127.0.0.1, port 0), its per-URL
// cache, the ActiveContext cache, and LdContextNotAvailable for an unreachable host.
#include "api/ngsild/context_resolver.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

#include "api/ngsild/ld_names.hpp"

namespace renkei::api::ngsild {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;

// Serves `body` as application/ld+json to every request until stopped; counts requests.
class ContextServer {
 public:
  explicit ContextServer(std::string body)
      : acceptor_(io_, {asio::ip::make_address("127.0.0.1"), 0}), body_(std::move(body)) {
    thread_ = std::thread([this] { Serve(); });
  }
  ~ContextServer() {
    stop_ = true;
    // Wake the blocking accept with one last connection.
    asio::io_context io;
    asio::ip::tcp::socket s(io);
    boost::system::error_code ec;
    s.connect(acceptor_.local_endpoint(), ec);
    thread_.join();
  }
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port()) + "/ctx.jsonld";
  }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      asio::ip::tcp::socket socket(io_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      boost::beast::flat_buffer buffer;
      http::request<http::string_body> request;
      http::read(socket, buffer, request, ec);
      if (ec) continue;
      ++requests_;
      http::response<http::string_body> response(http::status::ok, 11);
      response.set(http::field::content_type, "application/ld+json");
      response.body() = body_;
      response.prepare_payload();
      http::write(socket, response, ec);
    }
  }

  asio::io_context io_;
  asio::ip::tcp::acceptor acceptor_;
  std::string body_;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST(ContextResolver, LoadsRemoteContextsOnceAndCachesThem) {
  ContextServer server(R"({"@context": {"Shelf": "https://example.org/Shelf"}})");
  HttpContextLoader loader(std::chrono::milliseconds(2000));
  ContextResolver resolver(loader);
  auto first = resolver.Resolve(boost::json::string(server.Url()));
  ASSERT_TRUE(first.has_value()) << first.error().detail;
  EXPECT_EQ(StoredName(**first, "Shelf"), "https://example.org/Shelf");
  auto second = resolver.Resolve(boost::json::string(server.Url()));
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(first->get(), second->get());  // the processed context is reused
  // The document is cached too: a second loader use does not fetch again.
  ASSERT_TRUE(loader.Load(server.Url()).has_value());
  EXPECT_EQ(server.requests(), 1);
}

TEST(ContextResolver, UnreachableContextIsLdContextNotAvailable) {
  HttpContextLoader loader(std::chrono::milliseconds(500));
  ContextResolver resolver(loader);
  auto r = resolver.Resolve(boost::json::string("http://127.0.0.1:1/none.jsonld"));
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().code, base::ErrorCode::kLdContextNotAvailable);
}

TEST(ContextResolver, CoreContextUrlsAreNeverFetched) {
  HttpContextLoader loader(std::chrono::milliseconds(1));
  ContextResolver resolver(loader);
  auto r = resolver.Resolve(
      boost::json::string("https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld"));
  ASSERT_TRUE(r.has_value()) << r.error().detail;
  EXPECT_EQ(StoredName(**r, "temperature"), "temperature");
}

}  // namespace
}  // namespace renkei::api::ngsild
