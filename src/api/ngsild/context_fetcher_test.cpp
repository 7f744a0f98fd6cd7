// Remote @context downloads over HTTP (a tiny Beast server on 127.0.0.1, port 0) and
// LdContextNotAvailable for an unreachable host or a document that is not JSON. Caching and
// its use by the resolver: context_catalog_test.cpp.
#include "api/ngsild/context_fetcher.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

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
      response.set(http::field::cache_control, "public, max-age=600");
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

TEST(HttpContextFetcher, FetchesTheDocumentAndItsMaxAge) {
  ContextServer server(R"({"@context": {"Shelf": "https://example.org/Shelf"}})");
  HttpContextFetcher fetcher(std::chrono::milliseconds(2000));
  auto fetched = fetcher.Fetch(server.Url() + "#fragment");
  ASSERT_TRUE(fetched.has_value()) << fetched.error().detail;
  EXPECT_EQ(fetched->document.at("@context").at("Shelf"), "https://example.org/Shelf");
  EXPECT_EQ(fetched->max_age, std::chrono::seconds(600));
  EXPECT_EQ(server.requests(), 1);
}

TEST(HttpContextFetcher, UnreachableOrNonJsonIsLdContextNotAvailable) {
  HttpContextFetcher fetcher(std::chrono::milliseconds(500));
  auto unreachable = fetcher.Fetch("http://127.0.0.1:1/none.jsonld");
  ASSERT_FALSE(unreachable.has_value());
  EXPECT_EQ(unreachable.error().code, base::ErrorCode::kLdContextNotAvailable);
  ContextServer server("not json");
  auto garbage = fetcher.Fetch(server.Url());
  ASSERT_FALSE(garbage.has_value());
  EXPECT_EQ(garbage.error().code, base::ErrorCode::kLdContextNotAvailable);
  EXPECT_EQ(fetcher.Fetch("ftp://example.org/x").error().code,
            base::ErrorCode::kLdContextNotAvailable);
}

}  // namespace
}  // namespace renkei::api::ngsild
