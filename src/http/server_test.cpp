// Server tests over real loopback sockets, with a small blocking Beast client.
#include "http/server.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using Tcp = asio::ip::tcp;
using ClientResponse = bhttp::response<bhttp::string_body>;

// A blocking client: writes raw bytes, reads one response at a time.
class TestClient {
 public:
  explicit TestClient(std::uint16_t port) : socket_(io_) {
    socket_.connect(Tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
  }
  void Send(std::string_view raw) { asio::write(socket_, asio::buffer(raw.data(), raw.size())); }
  ClientResponse Read(bool head = false) {
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(boost::none);
    parser.skip(head);
    bhttp::read(socket_, buffer_, parser);
    return parser.release();
  }
  ClientResponse Get(std::string_view target) {
    Send("GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n\r\n");
    return Read();
  }
  // True when the server closed the connection (EOF or reset) with nothing more to read.
  bool ServerClosed() {
    if (buffer_.size() > 0) return false;
    std::array<char, 64> scratch{};
    beast::error_code ec;
    socket_.read_some(asio::buffer(scratch), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  Tcp::socket socket_;
  beast::flat_buffer buffer_;
};

ServerOptions TestOptions() {
  ServerOptions options;
  options.port = 0;
  options.threads = 2;
  return options;
}

// Holds Responders handed out by a deferring handler until the test answers them.
class PendingRequests {
 public:
  void Push(Request request, Responder responder) {
    std::lock_guard lock(mu_);
    items_.emplace_back(std::move(request), std::move(responder));
    cv_.notify_all();
  }
  std::pair<Request, Responder> Pop() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !items_.empty(); });
    auto item = std::move(items_.front());
    items_.pop_front();
    return item;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::pair<Request, Responder>> items_;
};

// Captures the last request a handler saw.
class RequestLog {
 public:
  void Record(const Request& request) {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
  }
  std::vector<Request> All() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::mutex mu_;
  std::vector<Request> requests_;
};

// A started server that records every request and answers each with an empty 200.
struct RecordingServer {
  RecordingServer()
      : server(
            TestOptions(),
            [this](Request&& request, Responder respond) {
              log.Record(request);
              respond(Response{});
            },
            nullptr) {
    EXPECT_TRUE(server.Start());
  }
  RequestLog log;
  Server server;
};

Response Text(unsigned status, std::string body) {
  Response response;
  response.status = status;
  response.Set("Content-Type", "text/plain");
  response.body = std::move(body);
  return response;
}

TEST(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RequestLog log;
  Server server(
      TestOptions(),
      [&log](Request&& request, Responder respond) {
        log.Record(request);
        respond(Text(200, request.method + " " + request.path));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  ASSERT_NE(server.port(), 0);

  TestClient client(server.port());
  for (int i = 0; i < 3; ++i) {
    const auto response = client.Get("/v2/entities/" + std::to_string(i));
    EXPECT_EQ(response.result_int(), 200U);
    EXPECT_EQ(response.body(), "GET /v2/entities/" + std::to_string(i));
    EXPECT_TRUE(response.keep_alive());
    EXPECT_EQ(response[bhttp::field::content_type], "text/plain");
    EXPECT_EQ(response[bhttp::field::content_length], std::to_string(response.body().size()));
    EXPECT_FALSE(response[bhttp::field::date].empty());
  }
  const auto requests = log.All();
  ASSERT_EQ(requests.size(), 3U);
  EXPECT_EQ(requests[0].remote_address, "127.0.0.1");
  EXPECT_EQ(requests[0].Header("host"), "test");
  server.Stop();
}

TEST(ServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Server server(
      TestOptions(), [](Request&& request, Responder respond) { respond(Text(200, request.path)); },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_EQ(client.Read().body(), "/a");
  EXPECT_EQ(client.Read().body(), "/b");
}

TEST(ServerTest, DecodesPathAndQueryAndKeepsHeadersInOrder) {
  RecordingServer recording;
  TestClient client(recording.server.port());
  client.Send(
      "GET /v2/entities/Room%201?type=Room&q=temperature%3E20;name==a+b&flag HTTP/1.1\r\n"
      "Host: t\r\nFiware-Service: 131083\r\nX-B: 2\r\nX-A: 1\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 200U);

  const auto requests = recording.log.All();
  ASSERT_EQ(requests.size(), 1U);
  const Request& request = requests[0];
  EXPECT_EQ(request.method, "GET");
  EXPECT_EQ(request.target, "/v2/entities/Room%201?type=Room&q=temperature%3E20;name==a+b&flag");
  EXPECT_EQ(request.path, "/v2/entities/Room 1");
  const std::vector<std::pair<std::string, std::string>> query = {
      {"type", "Room"}, {"q", "temperature>20;name==a+b"}, {"flag", ""}};
  EXPECT_EQ(request.query, query);
  const HeaderList headers = {
      {"Host", "t"}, {"Fiware-Service", "131083"}, {"X-B", "2"}, {"X-A", "1"}};
  EXPECT_EQ(request.headers, headers);
  EXPECT_FALSE(request.has_content_length);
  EXPECT_FALSE(request.chunked);
}

TEST(ServerTest, AFieldSentTwiceReadsAsItsLastOccurrence) {
  RecordingServer recording;
  TestClient client(recording.server.port());
  client.Send(
      "PUT /v2/entities/E1/attrs/A1/value HTTP/1.1\r\nHost: t\r\n"
      "Content-Type: application/json\r\ncontent-type: text/plain\r\n"
      "Content-Length: 2\r\n\r\n12");
  EXPECT_EQ(client.Read().result_int(), 200U);
  const auto requests = recording.log.All();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_EQ(requests[0].headers.size(), 4U);  // both kept, in order
  EXPECT_EQ(requests[0].Header("Content-Type"), "text/plain");
  EXPECT_FALSE(requests[0].Header("X-Missing").has_value());
}

TEST(ServerTest, DeliversBodiesWithLengthAndChunked) {
  RequestLog log;
  Server server(
      TestOptions(),
      [&log](Request&& request, Responder respond) {
        log.Record(request);
        respond(Text(201, request.body));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send(
      "POST /v2/entities HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\n"
      "Content-Length: 13\r\n\r\n{\"id\":\"Room\"}");
  EXPECT_EQ(client.Read().body(), "{\"id\":\"Room\"}");
  client.Send(
      "POST /v2/entities HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "4\r\nabcd\r\n3\r\nefg\r\n0\r\n\r\n");
  EXPECT_EQ(client.Read().body(), "abcdefg");

  const auto requests = log.All();
  ASSERT_EQ(requests.size(), 2U);
  EXPECT_TRUE(requests[0].has_content_length);
  EXPECT_FALSE(requests[0].chunked);
  EXPECT_FALSE(requests[1].has_content_length);
  EXPECT_TRUE(requests[1].chunked);
  EXPECT_FALSE(requests[1].body_too_large);
}

TEST(ServerTest, AnswersExpectContinue) {
  Server server(
      TestOptions(), [](Request&& request, Responder respond) { respond(Text(200, request.body)); },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("PUT /x HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 100U);
  client.Send("abc");
  EXPECT_EQ(client.Read().body(), "abc");
}

class BodyLimitTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BodyLimitTest, HandlerSeesTooLargeAndConnectionClosesAfterResponse) {
  RequestLog log;
  ServerOptions options = TestOptions();
  options.max_body_bytes = 16;
  Server server(
      options,
      [&log](Request&& request, Responder respond) {
        log.Record(request);
        respond(Text(request.body_too_large ? 413 : 200, "limit"));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send(GetParam());
  const auto response = client.Read();
  EXPECT_EQ(response.result_int(), 413U);
  EXPECT_FALSE(response.keep_alive());
  EXPECT_TRUE(client.ServerClosed());

  const auto requests = log.All();
  ASSERT_EQ(requests.size(), 1U);
  EXPECT_TRUE(requests[0].body_too_large);
  EXPECT_TRUE(requests[0].body.empty());
  EXPECT_EQ(requests[0].path, "/v2/entities");
}

INSTANTIATE_TEST_SUITE_P(
    DeclaredAndChunked, BodyLimitTest,
    ::testing::Values("POST /v2/entities HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n" +
                          std::string(100, 'x'),
                      "POST /v2/entities HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "10\r\n0123456789abcdef\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n"));

TEST(ServerTest, BodyAtTheLimitIsDelivered) {
  ServerOptions options = TestOptions();
  options.max_body_bytes = 4;
  Server server(
      options,
      [](Request&& request, Responder respond) {
        respond(Text(request.body_too_large ? 413 : 200, request.body));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("POST /x HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nabcd");
  const auto response = client.Read();
  EXPECT_EQ(response.result_int(), 200U);
  EXPECT_EQ(response.body(), "abcd");
}

TEST(ServerTest, DeferredResponseFromAnotherThread) {
  PendingRequests pending;
  Server server(
      TestOptions(),
      [&pending](Request&& request, Responder respond) {
        pending.Push(std::move(request), std::move(respond));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  for (int i = 0; i < 2; ++i) {
    client.Send("GET /later HTTP/1.1\r\nHost: t\r\n\r\n");
    auto [request, respond] = pending.Pop();
    std::thread answerer([&request = request, respond = std::move(respond)]() mutable {
      respond(Text(200, "answered " + request.path));
    });
    const auto response = client.Read();
    answerer.join();
    EXPECT_EQ(response.body(), "answered /later");
    EXPECT_TRUE(response.keep_alive());
  }
}

TEST(ServerTest, HeadResponseHasLengthButNoBody) {
  Server server(
      TestOptions(), [](Request&&, Responder respond) { respond(Text(200, "12345")); }, nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("HEAD /x HTTP/1.1\r\nHost: t\r\n\r\n");
  const auto head = client.Read(/*head=*/true);
  EXPECT_EQ(head[bhttp::field::content_length], "5");
  // The next response starts right after the head: no stray body bytes in between.
  EXPECT_EQ(client.Get("/y").body(), "12345");
}

TEST(ServerTest, ResponseCloseAndHttp10CloseTheConnection) {
  Server server(
      TestOptions(),
      [](Request&& request, Responder respond) {
        Response response = Text(200, "bye");
        response.close = request.path == "/close";
        respond(std::move(response));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  {
    TestClient client(server.port());
    const auto response = client.Get("/close");
    EXPECT_EQ(response[bhttp::field::connection], "close");
    EXPECT_TRUE(client.ServerClosed());
  }
  {
    TestClient client(server.port());
    client.Send("GET /open HTTP/1.0\r\n\r\n");
    EXPECT_EQ(client.Read().body(), "bye");
    EXPECT_TRUE(client.ServerClosed());
  }
  {
    TestClient client(server.port());
    client.Send("GET /open HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(client.Read()[bhttp::field::connection], "keep-alive");
    client.Send("GET /open HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    EXPECT_EQ(client.Read().body(), "bye");
  }
}

class MalformedTest : public ::testing::TestWithParam<std::string> {};

TEST_P(MalformedTest, Gets400AndClose) {
  std::atomic<int> calls{0};
  Server server(
      TestOptions(),
      [&calls](Request&&, Responder respond) {
        ++calls;
        respond(Response{});
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send(GetParam());
  const auto response = client.Read();
  EXPECT_EQ(response.result_int(), 400U);
  EXPECT_TRUE(response.body().empty());
  EXPECT_TRUE(client.ServerClosed());
  EXPECT_EQ(calls.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Requests, MalformedTest,
                         ::testing::Values("GARBAGE\r\n\r\n",
                                           "GET / HTTP/1.1\r\nBad Header Line\r\n\r\n",
                                           "GET / HTTP/9.9\r\nHost: t\r\n\r\n",
                                           "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"));

TEST(ServerTest, OversizedHeaderGets431) {
  ServerOptions options = TestOptions();
  options.max_header_bytes = 256;
  Server server(
      options, [](Request&&, Responder respond) { respond(Response{}); }, nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("GET / HTTP/1.1\r\nX-Big: " + std::string(1024, 'a') + "\r\n\r\n");
  EXPECT_EQ(client.Read().result_int(), 431U);
  EXPECT_TRUE(client.ServerClosed());
}

TEST(ServerTest, IdleConnectionIsClosed) {
  ServerOptions options = TestOptions();
  options.idle_timeout = std::chrono::seconds(1);
  Server server(
      options, [](Request&&, Responder respond) { respond(Response{}); }, nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  EXPECT_EQ(client.Get("/").result_int(), 200U);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.ServerClosed());  // blocks until the server gives up on us
  EXPECT_GE(std::chrono::steady_clock::now() - before, std::chrono::milliseconds(500));
}

TEST(ServerTest, SlowHandlerIsNotAnIdleConnection) {
  ServerOptions options = TestOptions();
  options.idle_timeout = std::chrono::seconds(1);
  PendingRequests pending;
  Server server(
      options,
      [&pending](Request&& request, Responder respond) {
        pending.Push(std::move(request), std::move(respond));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  auto [request, respond] = pending.Pop();
  // Longer than the idle timeout while the application works on the request.
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  respond(Text(200, "late"));
  EXPECT_EQ(client.Read().body(), "late");
}

TEST(ServerTest, StopLetsAnInFlightRequestFinish) {
  PendingRequests pending;
  Server server(
      TestOptions(),
      [&pending](Request&& request, Responder respond) {
        pending.Push(std::move(request), std::move(respond));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  const std::uint16_t port = server.port();
  TestClient busy(port);
  TestClient idle(port);
  idle.Send("GET /first HTTP/1.1\r\nHost: t\r\n\r\n");
  {
    auto [request, respond] = pending.Pop();
    respond(Response{});
    EXPECT_EQ(idle.Read().result_int(), 200U);
  }
  busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  auto [request, respond] = pending.Pop();

  auto stopped = std::async(std::launch::async, [&server] { server.Stop(); });
  // The idle keep-alive connection is closed as soon as Stop begins.
  EXPECT_TRUE(idle.ServerClosed());
  EXPECT_EQ(stopped.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout);

  respond(Text(200, "finished " + request.path));
  const auto response = busy.Read();
  EXPECT_EQ(response.body(), "finished /slow");
  EXPECT_FALSE(response.keep_alive());  // a stopping server says so
  stopped.get();
  EXPECT_TRUE(busy.ServerClosed());
}

TEST(ServerTest, StopGivesUpAfterGraceAndLateResponderIsHarmless) {
  PendingRequests pending;
  Server server(
      TestOptions(),
      [&pending](Request&& request, Responder respond) {
        pending.Push(std::move(request), std::move(respond));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  auto [request, respond] = pending.Pop();
  server.Stop(std::chrono::milliseconds(50));
  EXPECT_TRUE(client.ServerClosed());
  respond(Text(200, "too late"));  // the connection is gone; nothing happens
}

TEST(ServerTest, ResponderAfterClientLeftIsHarmless) {
  PendingRequests pending;
  Server server(
      TestOptions(),
      [&pending](Request&& request, Responder respond) {
        pending.Push(std::move(request), std::move(respond));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  auto client = std::make_unique<TestClient>(server.port());
  client->Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  auto [request, respond] = pending.Pop();
  client.reset();
  respond(Text(200, "nobody listens"));
  respond(Text(200, "second call is ignored"));
  // The server still works.
  TestClient other(server.port());
  other.Send("GET /2 HTTP/1.1\r\nHost: t\r\n\r\n");
  auto [request2, respond2] = pending.Pop();
  respond2(Text(200, "ok"));
  EXPECT_EQ(other.Read().body(), "ok");
}

TEST(ServerTest, DroppedResponderClosesTheConnection) {
  Server server(
      TestOptions(), [](Request&&, Responder) {}, nullptr);
  ASSERT_TRUE(server.Start());
  TestClient client(server.port());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(client.ServerClosed());
  server.Stop(std::chrono::milliseconds(2000));  // nothing in flight: returns at once
}

TEST(ServerTest, ThrowingHandlerClosesTheConnectionOnly) {
  Server server(
      TestOptions(),
      [](Request&& request, Responder respond) {
        if (request.path == "/throw") throw std::runtime_error("boom");
        respond(Response{});
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  TestClient bad(server.port());
  bad.Send("GET /throw HTTP/1.1\r\nHost: t\r\n\r\n");
  EXPECT_TRUE(bad.ServerClosed());
  TestClient good(server.port());
  EXPECT_EQ(good.Get("/fine").result_int(), 200U);
}

TEST(ServerTest, PortInUseFailsToStart) {
  Server first(
      TestOptions(), [](Request&&, Responder respond) { respond(Response{}); }, nullptr);
  ASSERT_TRUE(first.Start());
  ServerOptions options = TestOptions();
  options.port = first.port();
  Server second(
      options, [](Request&&, Responder respond) { respond(Response{}); }, nullptr);
  const auto started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, base::ErrorCode::kInternalError);
  EXPECT_NE(started.error().detail.find(std::to_string(first.port())), std::string::npos);
  second.Stop();  // harmless on a server that never started
}

TEST(ServerTest, InvalidAddressFailsToStart) {
  ServerOptions options = TestOptions();
  options.address = "not-an-address";
  Server server(
      options, [](Request&&, Responder respond) { respond(Response{}); }, nullptr);
  EXPECT_FALSE(server.Start());
}

TEST(ServerTest, StartAndStopManyTimes) {
  for (int i = 0; i < 20; ++i) {
    ServerOptions options = TestOptions();
    options.threads = 1 + static_cast<unsigned>(i % 3);
    Server server(
        options, [](Request&&, Responder respond) { respond(Text(200, "ok")); }, nullptr);
    ASSERT_TRUE(server.Start());
    if (i % 2 == 0) {
      TestClient client(server.port());
      EXPECT_EQ(client.Get("/").body(), "ok");
    }
    server.Stop();
    // The same Server may be started again.
    if (i % 5 == 0) {
      ASSERT_TRUE(server.Start());
      TestClient client(server.port());
      EXPECT_EQ(client.Get("/").body(), "ok");
    }
  }
}

TEST(ServerTest, ManyConcurrentClients) {
  std::atomic<int> served{0};
  Server server(
      TestOptions(),
      [&served](Request&& request, Responder respond) {
        ++served;
        respond(Text(200, request.path));
      },
      nullptr);
  ASSERT_TRUE(server.Start());
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([port = server.port(), c] {
      TestClient client(port);
      for (int i = 0; i < 50; ++i) {
        const std::string path = "/" + std::to_string(c) + "/" + std::to_string(i);
        EXPECT_EQ(client.Get(path).body(), path);
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(served.load(), 400);
}

}  // namespace
}  // namespace renkei::http
