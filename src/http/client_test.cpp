// Client tests against a small blocking Beast server on loopback that counts connections.
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <thread>

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Tcp = asio::ip::tcp;

// Accepts connections one after the other; on each answers up to `per_connection`
// requests (echoing method, target, body and X-Test), then closes it without warning;
// with `silent` it reads requests and never answers.
class TestServer {
 public:
  explicit TestServer(int per_connection, bool silent = false)
      : acceptor_(io_, Tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        per_connection_(per_connection),
        silent_(silent) {
    thread_ = std::thread([this] { Run(); });
  }
  ~TestServer() {
    stop_ = true;
    // A blocking accept does not return when the acceptor is closed from another thread:
    // wake it with one last connection.
    asio::io_context io;
    Tcp::socket wake(io);
    beast::error_code ec;
    wake.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()), ec);
    thread_.join();
  }
  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int accepted() const { return accepted_.load(); }

 private:
  void Run() {
    while (!stop_) {
      Tcp::socket socket(io_);
      beast::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stop_) return;
      ++accepted_;
      beast::flat_buffer buffer;
      for (int i = 0; i < per_connection_; ++i) {
        beast::http::request<beast::http::string_body> req;
        beast::http::read(socket, buffer, req, ec);
        if (ec) break;
        if (silent_) {
          std::this_thread::sleep_for(std::chrono::milliseconds(600));
          break;
        }
        beast::http::response<beast::http::string_body> res(beast::http::status::created, 11);
        res.set("X-Echo", std::string(req.method_string()) + " " + std::string(req.target()) + " " +
                              std::string(req["X-Test"]));
        res.body() = req.body();
        res.keep_alive(true);
        res.prepare_payload();
        beast::http::write(socket, res, ec);
        if (ec) break;
      }
      socket.close(ec);
    }
  }

  asio::io_context io_;
  Tcp::acceptor acceptor_;
  int per_connection_;
  bool silent_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::thread thread_;
};

ClientRequest Post(std::uint16_t port, std::string body) {
  ClientRequest r;
  r.method = "POST";
  r.url = "http://127.0.0.1:" + std::to_string(port) + "/notify?a=1";
  r.headers = {{"X-Test", "yes"}, {"Content-Type", "application/json"}};
  r.body = std::move(body);
  r.timeout = std::chrono::milliseconds(2000);
  return r;
}

TEST(HttpClient, ReusesTheConnectionForTheSameOrigin) {
  TestServer server(100);
  Client client;
  for (int i = 0; i < 3; ++i) {
    auto res = client.Send(Post(server.port(), "n" + std::to_string(i)));
    ASSERT_TRUE(res.has_value()) << res.error().detail;
    EXPECT_EQ(res->status, 201u);
    EXPECT_EQ(res->body, "n" + std::to_string(i));
    EXPECT_EQ(FindHeader(res->headers, "X-Echo"), "POST /notify?a=1 yes");
  }
  EXPECT_EQ(server.accepted(), 1);
  EXPECT_EQ(client.IdleConnections(), 1u);
}

TEST(HttpClient, RetriesOnceWhenAnIdleConnectionWasClosed) {
  TestServer server(1);  // closes every connection after one answer
  Client client;
  ASSERT_TRUE(client.Send(Post(server.port(), "a")).has_value());
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto second = client.Send(Post(server.port(), "b"));
  ASSERT_TRUE(second.has_value()) << second.error().detail;
  EXPECT_EQ(second->body, "b");
  EXPECT_EQ(server.accepted(), 2);
}

TEST(HttpClient, TimesOutOnASilentServerAndReportsRefusedConnections) {
  TestServer server(1, /*silent=*/true);
  Client client;
  auto request = Post(server.port(), "x");
  request.timeout = std::chrono::milliseconds(200);
  const auto started = std::chrono::steady_clock::now();
  auto res = client.Send(request);
  ASSERT_FALSE(res.has_value());
  EXPECT_EQ(res.error().detail, "timed out");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(1500));

  std::uint16_t closed_port = 0;
  {
    asio::io_context io;
    Tcp::acceptor probe(io, Tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  auto refused = client.Send(Post(closed_port, "x"));
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().detail, "Connection refused");
}

TEST(HttpClient, ParsesUrls) {
  ParsedUrl u;
  ASSERT_TRUE(ParseHttpUrl("https://example.jp/a/b?c=d#frag", u));
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "example.jp");
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.target, "/a/b?c=d");
  ASSERT_TRUE(ParseHttpUrl("http://[::1]:8080?x=1", u));
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "8080");
  EXPECT_EQ(u.target, "/?x=1");
  EXPECT_FALSE(ParseHttpUrl("mqtt://h:1883", u));
  EXPECT_FALSE(ParseHttpUrl("http://", u));
}

}  // namespace
}  // namespace renkei::http
