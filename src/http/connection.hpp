// Connection: one accepted TCP connection speaking HTTP/1.1 with keep-alive, and the
// per-server and per-worker state it shares with its siblings. Internal to the http module
// (server.cpp creates connections; nothing outside src/http includes this header).
//
// BasicConnection is a template on its stream (a plain socket, or TLS over one) so the plain
// path pays no virtual call per read or write; the two instantiations live in
// connection.cpp. Only the rare, per-connection operations the Worker needs (closing at
// Stop) go through the virtual LiveConnection interface.
//
// Threading: a Connection lives on one Worker's io_context, which a single thread runs; all
// its members are touched only from that thread. The Responder it hands to the Handler may
// be called from any thread: it dispatches back to the worker. Connections are owned by
// shared_ptr held by their pending operations and by outstanding Responders, so a Responder
// called after the connection died finds a closed connection, not freed memory. Everything
// here must be destroyed before the Server that created it (Server's contract).
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <unordered_set>

#include <spdlog/logger.h>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/stream_traits.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "http/message.hpp"
#include "http/response_head.hpp"
#include "http/server.hpp"

namespace renkei::http {

class LiveConnection;
class TlsContextSlot;

// Sockets and timers bound to the concrete io_context executor: no type-erased executor on
// the hot path.
using Executor = boost::asio::io_context::executor_type;
using Socket = boost::asio::basic_stream_socket<boost::asio::ip::tcp, Executor>;
using Timer = boost::asio::basic_waitable_timer<
    std::chrono::steady_clock, boost::asio::wait_traits<std::chrono::steady_clock>, Executor>;
using TlsStream = boost::asio::ssl::stream<Socket>;

// Shared by every connection of one Server; owned by Server::Impl, outlives all workers.
struct ServerState {
  ServerOptions options;
  Handler handler;                         // called on worker threads, concurrently
  std::shared_ptr<spdlog::logger> logger;  // may be null
  // The largest body any target may have (max_body_bytes or a body_limits_by_prefix entry):
  // the parser's limit until the request's target is known. Set once with the options.
  std::size_t largest_body_bytes = 0;
  // Set when options.tls is: the certificate new connections get.
  std::unique_ptr<TlsContextSlot> tls;

  // Set by Stop(): connections close after their current response instead of reading on.
  std::atomic<bool> stopping{false};

  // Requests handed to the Handler whose response is not yet written (or abandoned).
  // Stop() waits on `in_flight_cv` for this to reach zero.
  std::atomic<std::size_t> in_flight{0};
  std::mutex in_flight_mu;
  std::condition_variable in_flight_cv;

  void BeginRequest() { in_flight.fetch_add(1, std::memory_order_relaxed); }
  void EndRequest();
};

// One event loop and its thread's share of the connections.
struct Worker {
  // Declared before `io_context` so it outlives the handlers destroyed with the context.
  std::mutex connections_mu;
  std::unordered_set<LiveConnection*> connections;  // guarded by connections_mu

  HttpDateClock date;  // worker thread only

  // Concurrency hint 1: exactly one thread runs this context.
  boost::asio::io_context io_context{1};
  // Keeps run() going while the worker has no connections yet; reset by Server::Stop.
  std::optional<boost::asio::executor_work_guard<Executor>> work{io_context.get_executor()};

  void Add(LiveConnection* connection);
  void Remove(LiveConnection* connection);
  // Closes the connections that have no request with the application (or all of them).
  // Worker thread only.
  void CloseConnections(bool only_idle);
};

// What a Worker knows of each of its connections (also of one still being classified as
// TLS or plain, see protocol_sniffer.hpp). Worker thread only.
class LiveConnection {
 public:
  virtual ~LiveConnection() = default;
  // Closes the socket at once and cancels everything pending.
  virtual void Close() = 0;
  // A request is with the application, or its response is being written.
  virtual bool busy() const = 0;
};

// How a connection answers: TLS connections run the handshake first; `refuse_plain` marks
// every request of a plain connection as Request::plain_http_refused.
struct ConnectionSetup {
  std::shared_ptr<boost::asio::ssl::context> tls;  // held while the connection lives
  bool refuse_plain = false;
};

template <class Stream>
class BasicConnection final : public LiveConnection,
                              public std::enable_shared_from_this<BasicConnection<Stream>> {
 public:
  static constexpr bool kIsTls = std::is_same_v<Stream, TlsStream>;

  BasicConnection(ServerState& state, Worker& worker, Socket socket, ConnectionSetup setup);
  ~BasicConnection() override;
  BasicConnection(const BasicConnection&) = delete;
  BasicConnection& operator=(const BasicConnection&) = delete;

  // Starts reading requests (after the TLS handshake). Worker thread.
  void Start();
  void Close() override;
  bool busy() const override { return counted_; }

 private:
  using std::enable_shared_from_this<BasicConnection<Stream>>::shared_from_this;
  using std::enable_shared_from_this<BasicConnection<Stream>>::weak_from_this;

  Socket& socket() { return boost::beast::get_lowest_layer(stream_); }
  void ReadHeader();
  void OnHeader(boost::beast::error_code ec);
  // ServerOptions::body_limits_by_prefix for this request target, else max_body_bytes.
  std::size_t BodyLimitFor(std::string_view target) const;
  void ReadBody();
  void OnBody(boost::beast::error_code ec);
  void OnReadError(boost::beast::error_code ec);
  void DispatchRequest(bool body_too_large);
  Responder MakeResponder();
  void OnResponse(std::uint64_t seq, Response response);
  void WriteError(unsigned status);
  void StartWrite(bool keep_alive);
  void OnWrite(boost::beast::error_code ec, bool keep_alive);
  // Half-closes, then discards what the client still sends for a short while, so unread
  // request bytes do not make the kernel reset the connection before the client has read
  // the response (RFC 9112 §9.6). Over TLS, sends close_notify first (RFC 8446 §6.1).
  void LingerThenClose();
  void Drain();
  void ArmTimer(std::chrono::steady_clock::duration after);
  void OnTimer();
  void EndRequest();

  ServerState& state_;
  Worker& worker_;
  const Executor executor_;      // read by Responders on any thread; never changes
  const ConnectionSetup setup_;  // before stream_: a TLS stream uses the context
  Stream stream_;
  Timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;

  // Reused from request to request so their capacity is too.
  Request request_;
  Response response_;
  std::string head_;
  std::string remote_address_;

  std::chrono::steady_clock::time_point last_activity_;
  std::uint64_t request_seq_ = 0;  // tells a stale Responder from the current one
  bool awaiting_handler_ = false;  // the Handler has the request; idle timeout paused
  bool counted_ = false;           // counted in ServerState::in_flight
  bool keep_alive_ = false;        // what the request allows
  bool http10_ = false;
  bool head_request_ = false;
  bool lingering_ = false;
  bool closed_ = false;
};

using PlainConnection = BasicConnection<Socket>;
using TlsConnection = BasicConnection<TlsStream>;

}  // namespace renkei::http
