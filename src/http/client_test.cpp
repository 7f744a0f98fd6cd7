// Client tests against a small blocking Beast server on loopback that counts connections.
#include "http/client.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <string>
#include <thread>
#include <vector>

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
using Tcp = asio::ip::tcp;

// Accepts connections one after the other; on each answers up to `per_connection`
// requests (echoing method, target, body and X-Test; 500 for the body "fail"), then closes
// it without warning, or with `announce_close` says "Connection: close" in the last answer;
// with `silent` it reads requests and never answers. Counts the requests that had arrived
// before the previous one was answered (pipelined).
class TestServer {
 public:
  explicit TestServer(int per_connection, bool silent = false, bool announce_close = false)
      : acceptor_(io_, Tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
        per_connection_(per_connection),
        silent_(silent),
        announce_close_(announce_close) {
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
  int pipelined() const { return pipelined_.load(); }

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
        if (buffer.size() > 0) ++pipelined_;  // the next request came before this answer
        beast::http::response<beast::http::string_body> res(
            req.body() == "fail" ? beast::http::status::internal_server_error
                                 : beast::http::status::created,
            11);
        res.set("X-Echo", std::string(req.method_string()) + " " + std::string(req.target()) + " " +
                              std::string(req["X-Test"]));
        res.set("X-Echo-Host", std::string(req[beast::http::field::host]));
        res.body() = req.body();
        res.keep_alive(!(announce_close_ && i + 1 == per_connection_));
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
  bool announce_close_;
  std::atomic<bool> stop_{false};
  std::atomic<int> accepted_{0};
  std::atomic<int> pipelined_{0};
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
    // RFC 9110 §7.2: Host carries the URL's port (Orion's receivers see "host:port").
    EXPECT_EQ(FindHeader(res->headers, "X-Echo-Host"),
              "127.0.0.1:" + std::to_string(server.port()));
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

std::vector<ClientRequest> Posts(std::uint16_t port, std::vector<std::string> bodies) {
  std::vector<ClientRequest> out;
  for (auto& body : bodies) out.push_back(Post(port, std::move(body)));
  return out;
}

TEST(HttpClient, PipelinesRequestsOnOneConnectionAndKeepsTheirOrder) {
  TestServer server(100);
  Client client;
  const auto requests = Posts(server.port(), {"a", "b", "c", "d", "e", "f", "g", "h", "i"});
  auto results = client.SendPipelined(requests, 4);
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].has_value()) << results[i].error().detail;
    EXPECT_EQ(results[i]->status, 201u);
    EXPECT_EQ(results[i]->body, requests[i].body);
    EXPECT_EQ(FindHeader(results[i]->headers, "X-Echo"), "POST /notify?a=1 yes");
  }
  EXPECT_EQ(server.accepted(), 1);
  // Windows of 4, 4 and 1: the server found the next request waiting before it answered
  // the previous one at least once per window of several.
  EXPECT_GE(server.pipelined(), 2);
  EXPECT_EQ(client.IdleConnections(), 1u);
  // The kept connection serves the next call.
  ASSERT_TRUE(client.SendPipelined(Posts(server.port(), {"j"}), 4).front().has_value());
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, PipelineReadsEveryAnswerOfAWindowWhateverItsStatus) {
  TestServer server(100);
  Client client;
  auto results = client.SendPipelined(Posts(server.port(), {"a", "fail", "c"}), 8);
  ASSERT_EQ(results.size(), 3u);
  EXPECT_EQ(results[0]->status, 201u);
  EXPECT_EQ(results[1]->status, 500u);
  EXPECT_EQ(results[2]->status, 201u);
  EXPECT_EQ(results[2]->body, "c");
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, PipelineEndsAtTheFirstRequestTheServerDroppedWithoutAnswer) {
  TestServer server(3);  // closes without warning after three answers
  Client client;
  auto results = client.SendPipelined(Posts(server.port(), {"a", "b", "c", "d", "e"}), 8);
  ASSERT_EQ(results.size(), 4u);  // three answers and the failure of the fourth request
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(results[static_cast<std::size_t>(i)].has_value());
  EXPECT_FALSE(results[3].has_value());
  EXPECT_EQ(server.accepted(), 1);
}

TEST(HttpClient, PipelineResendsWhatAConnectionCloseAnswerLeftUnanswered) {
  TestServer server(2, /*silent=*/false, /*announce_close=*/true);
  Client client;
  const auto requests = Posts(server.port(), {"a", "b", "c", "d", "e"});
  auto results = client.SendPipelined(requests, 8);
  ASSERT_EQ(results.size(), requests.size());
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].has_value()) << i << ": " << results[i].error().detail;
    EXPECT_EQ(results[i]->body, requests[i].body);
  }
  EXPECT_EQ(server.accepted(), 3);  // 2 + 2 + 1 answers
}

TEST(HttpClient, PipelineSwitchesConnectionsWhenTheOriginChanges) {
  TestServer first(100);
  TestServer second(100);
  Client client;
  std::vector<ClientRequest> requests = Posts(first.port(), {"a", "b"});
  requests.push_back(Post(second.port(), "c"));
  requests.push_back(Post(first.port(), "d"));
  auto results = client.SendPipelined(requests, 8);
  ASSERT_EQ(results.size(), 4u);
  for (std::size_t i = 0; i < results.size(); ++i) {
    ASSERT_TRUE(results[i].has_value());
    EXPECT_EQ(results[i]->body, requests[i].body);
  }
  EXPECT_EQ(first.accepted(), 1);  // its connection waited idle while the other origin's ran
  EXPECT_EQ(second.accepted(), 1);
}

TEST(HttpClient, PipelineReportsAnUnreachableReceiverOnce) {
  std::uint16_t closed_port = 0;
  {
    asio::io_context io;
    Tcp::acceptor probe(io, Tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    closed_port = probe.local_endpoint().port();
  }
  Client client;
  auto results = client.SendPipelined(Posts(closed_port, {"a", "b"}), 8);
  ASSERT_EQ(results.size(), 1u);
  ASSERT_FALSE(results[0].has_value());
  EXPECT_EQ(results[0].error().detail, "Connection refused");
}

TEST(HttpClient, ParsesUrls) {
  ParsedUrl u;
  ASSERT_TRUE(ParseHttpUrl("https://example.jp/a/b?c=d#frag", u));
  EXPECT_TRUE(u.tls);
  EXPECT_EQ(u.host, "example.jp");
  EXPECT_EQ(u.port, "443");
  EXPECT_EQ(u.target, "/a/b?c=d");
  EXPECT_EQ(u.authority, "example.jp");
  ASSERT_TRUE(ParseHttpUrl("http://[::1]:8080?x=1", u));
  EXPECT_EQ(u.host, "::1");
  EXPECT_EQ(u.port, "8080");
  EXPECT_EQ(u.target, "/?x=1");
  EXPECT_EQ(u.authority, "[::1]:8080");
  ASSERT_TRUE(ParseHttpUrl("http://user:pw@localhost:9997/notify", u));
  EXPECT_EQ(u.authority, "localhost:9997");
  EXPECT_FALSE(ParseHttpUrl("mqtt://h:1883", u));
  EXPECT_FALSE(ParseHttpUrl("http://", u));
}

}  // namespace
}  // namespace renkei::http
