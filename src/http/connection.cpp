#include "http/connection.hpp"

#include <strings.h>

#include <algorithm>
#include <array>
#include <exception>
#include <limits>

#include <boost/asio/buffer.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

#include "http/request_target.hpp"

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;

using Clock = std::chrono::steady_clock;

// How long a closing connection keeps discarding what the client still sends (see
// LingerThenClose); short, since it only has to outlast the client reading our answer.
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kDrainChunk = 16 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

template <class Stream>
Stream MakeStream(Socket socket, boost::asio::ssl::context* tls) {
  if constexpr (std::is_same_v<Stream, TlsStream>) {
    return TlsStream(std::move(socket), *tls);
  } else {
    (void)tls;
    return socket;
  }
}

bool IsHttpParseError(beast::error_code ec) {
  return ec.category() == bhttp::make_error_code(bhttp::error::bad_target).category() &&
         ec != bhttp::error::end_of_stream && ec != bhttp::error::partial_message;
}

}  // namespace

void ServerState::EndRequest() {
  if (in_flight.fetch_sub(1) == 1 && stopping.load()) {
    // Taking the mutex orders this notify after Stop() checked the count, or before it.
    std::lock_guard lock(in_flight_mu);
    in_flight_cv.notify_all();
  }
}

void Worker::Add(LiveConnection* connection) {
  std::lock_guard lock(connections_mu);
  connections.insert(connection);
}

void Worker::Remove(LiveConnection* connection) {
  std::lock_guard lock(connections_mu);
  connections.erase(connection);
}

void Worker::CloseConnections(bool only_idle) {
  // Close() only cancels operations (their handlers run later), so no connection is
  // destroyed, and nothing re-enters the lock, while we iterate.
  std::lock_guard lock(connections_mu);
  for (LiveConnection* connection : connections) {
    if (!only_idle || !connection->busy()) connection->Close();
  }
}

template <class Stream>
BasicConnection<Stream>::BasicConnection(ServerState& state, Worker& worker, Socket socket,
                                         ConnectionSetup setup)
    : state_(state),
      worker_(worker),
      executor_(socket.get_executor()),
      setup_(std::move(setup)),
      stream_(MakeStream<Stream>(std::move(socket), setup_.tls.get())),
      timer_(executor_) {
  worker_.Add(this);
}

template <class Stream>
BasicConnection<Stream>::~BasicConnection() {
  worker_.Remove(this);
  // A request whose Responder was dropped without being called ends here.
  EndRequest();
}

template <class Stream>
void BasicConnection<Stream>::Start() {
  if (closed_) return;
  if (state_.stopping.load()) {
    Close();
    return;
  }
  beast::error_code ec;
  const auto endpoint = socket().remote_endpoint(ec);
  if (!ec) remote_address_ = endpoint.address().to_string();
  last_activity_ = Clock::now();
  // The idle timer also bounds the handshake: a client that stalls in it is closed.
  ArmTimer(state_.options.idle_timeout);
  if constexpr (kIsTls) {
    stream_.async_handshake(boost::asio::ssl::stream_base::server,
                            [self = shared_from_this()](beast::error_code handshake_ec) {
                              if (self->closed_) return;
                              if (handshake_ec) {
                                // Not TLS after all, or no common version or cipher: OpenSSL
                                // has sent its alert; there is no HTTP to answer with.
                                self->Close();
                                return;
                              }
                              self->last_activity_ = Clock::now();
                              self->ReadHeader();
                            });
  } else {
    ReadHeader();
  }
}

template <class Stream>
void BasicConnection<Stream>::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  socket().close(ec);
  timer_.cancel();
}

template <class Stream>
void BasicConnection<Stream>::ReadHeader() {
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(std::min<std::size_t>(
      state_.options.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  // The largest limit of any path; the request's own is applied once its target is known.
  parser_->body_limit(static_cast<std::uint64_t>(state_.largest_body_bytes));
  bhttp::async_read_header(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnHeader(ec); });
}

template <class Stream>
void BasicConnection<Stream>::OnHeader(beast::error_code ec) {
  if (closed_) return;
  // Beast checks Content-Length against body_limit once every field is parsed and stored
  // (is_header_done() stays false then), so a declared oversized body ends up here before
  // any of it is read.
  if (ec == bhttp::error::body_limit) {
    last_activity_ = Clock::now();
    DispatchRequest(/*body_too_large=*/true);
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  last_activity_ = Clock::now();
  const std::size_t limit = BodyLimitFor(parser_->get().target());
  if (parser_->content_length() && *parser_->content_length() > limit) {
    DispatchRequest(/*body_too_large=*/true);
    return;
  }
  parser_->body_limit(static_cast<std::uint64_t>(limit));  // a chunked body is counted
  if (parser_->is_done()) {
    DispatchRequest(/*body_too_large=*/false);
    return;
  }
  // RFC 9110 §10.1.1: a client that sent "Expect: 100-continue" may wait for this before
  // sending the body (curl does, for large bodies).
  const auto& message = parser_->get();
  const auto expect = message.find(bhttp::field::expect);
  if (message.version() >= 11 && expect != message.end() && expect->value().size() == 12 &&
      ::strncasecmp(expect->value().data(), "100-continue", 12) == 0) {
    asio::async_write(stream_, asio::buffer(kContinue.data(), kContinue.size()),
                      [self = shared_from_this()](beast::error_code write_ec, std::size_t) {
                        if (self->closed_) return;
                        if (write_ec) {
                          self->Close();
                          return;
                        }
                        self->ReadBody();
                      });
    return;
  }
  ReadBody();
}

template <class Stream>
std::size_t BasicConnection<Stream>::BodyLimitFor(std::string_view target) const {
  for (const auto& [prefix, limit] : state_.options.body_limits_by_prefix) {
    if (target.starts_with(prefix)) return limit;
  }
  return state_.options.max_body_bytes;
}

template <class Stream>
void BasicConnection<Stream>::ReadBody() {
  bhttp::async_read(
      stream_, buffer_, *parser_,
      [self = shared_from_this()](beast::error_code ec, std::size_t) { self->OnBody(ec); });
}

template <class Stream>
void BasicConnection<Stream>::OnBody(beast::error_code ec) {
  if (closed_) return;
  last_activity_ = Clock::now();
  if (ec == bhttp::error::body_limit) {
    // A chunked body grew past the limit; what was read of it is discarded.
    DispatchRequest(/*body_too_large=*/true);
    return;
  }
  if (ec) {
    OnReadError(ec);
    return;
  }
  DispatchRequest(/*body_too_large=*/false);
}

template <class Stream>
void BasicConnection<Stream>::OnReadError(beast::error_code ec) {
  if (IsHttpParseError(ec)) {
    // RFC 9110 §15.5.32: 431 names the one limit the client can act on.
    WriteError(ec == bhttp::error::header_limit ? 431 : 400);
    return;
  }
  // End of stream, reset, or our own Close(): nobody to answer.
  Close();
}

template <class Stream>
void BasicConnection<Stream>::DispatchRequest(bool body_too_large) {
  auto& message = parser_->get();
  request_.method.assign(message.method_string());
  request_.target.assign(message.target());
  ParseRequestTarget(message.target(), request_.path, request_.query);
  std::size_t count = 0;
  for (const auto& field : message) {
    if (count == request_.headers.size()) request_.headers.emplace_back();
    request_.headers[count].first.assign(field.name_string());
    request_.headers[count].second.assign(field.value());
    ++count;
  }
  request_.headers.resize(count);
  request_.remote_address.assign(remote_address_);
  request_.has_content_length = message.find(bhttp::field::content_length) != message.end();
  request_.chunked = parser_->chunked();
  request_.body_too_large = body_too_large;
  request_.plain_http_refused = setup_.refuse_plain;
  if (body_too_large) {
    request_.body.clear();
  } else {
    request_.body = std::move(message.body());
  }
  // The rest of an oversized body was never read, so the stream cannot be resynchronised.
  keep_alive_ = !body_too_large && !setup_.refuse_plain && message.keep_alive();
  http10_ = message.version() < 11;
  head_request_ = message.method() == bhttp::verb::head;

  awaiting_handler_ = true;
  counted_ = true;
  ++request_seq_;
  state_.BeginRequest();
  try {
    state_.handler(std::move(request_), MakeResponder());
  } catch (const std::exception& e) {
    if (state_.logger) state_.logger->error("msg=\"http handler threw\" error=\"{}\"", e.what());
    Close();
  } catch (...) {
    if (state_.logger) state_.logger->error("msg=\"http handler threw a non-exception\"");
    Close();
  }
}

template <class Stream>
Responder BasicConnection<Stream>::MakeResponder() {
  return [self = shared_from_this(), seq = request_seq_](Response response) mutable {
    if (!self) return;  // called twice: the contract says once; ignore the rest
    const Executor executor = self->executor_;
    // Runs inline when already on the worker thread (the common, synchronous case).
    asio::dispatch(executor,
                   [connection = std::move(self), seq, response = std::move(response)]() mutable {
                     connection->OnResponse(seq, std::move(response));
                   });
  };
}

template <class Stream>
void BasicConnection<Stream>::OnResponse(std::uint64_t seq, Response response) {
  if (seq != request_seq_ || !awaiting_handler_) return;
  awaiting_handler_ = false;
  if (closed_) {
    EndRequest();
    return;
  }
  response_ = std::move(response);
  StartWrite(keep_alive_ && !response_.close && !WantsClose(response_.headers));
}

template <class Stream>
void BasicConnection<Stream>::WriteError(unsigned status) {
  response_ = Response{};
  response_.status = status;
  head_request_ = false;
  http10_ = false;
  StartWrite(/*keep_alive=*/false);
}

template <class Stream>
void BasicConnection<Stream>::StartWrite(bool keep_alive) {
  // A stopping server tells the client, so it does not send another request here.
  keep_alive = keep_alive && !state_.stopping.load(std::memory_order_relaxed);
  const ResponseFraming framing{keep_alive, keep_alive && http10_, head_request_};
  const bool with_body = WriteResponseHead(response_, framing, worker_.date.Now(), head_);
  last_activity_ = Clock::now();
  auto on_write = [self = shared_from_this(), keep_alive](beast::error_code ec, std::size_t) {
    self->OnWrite(ec, keep_alive);
  };
  if (with_body) {
    // Gather write: the body is sent from the Response, never copied.
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head_),
                                                    asio::buffer(response_.body)};
    asio::async_write(stream_, buffers, std::move(on_write));
  } else {
    asio::async_write(stream_, asio::buffer(head_), std::move(on_write));
  }
}

template <class Stream>
void BasicConnection<Stream>::OnWrite(beast::error_code ec, bool keep_alive) {
  EndRequest();
  // Drop the application's body now rather than when the next response replaces it.
  response_ = Response{};
  if (closed_) return;
  if (ec) {
    Close();
    return;
  }
  last_activity_ = Clock::now();
  if (!keep_alive || state_.stopping.load(std::memory_order_relaxed)) {
    LingerThenClose();
    return;
  }
  ReadHeader();
}

template <class Stream>
void BasicConnection<Stream>::LingerThenClose() {
  lingering_ = true;
  ArmTimer(std::min<Clock::duration>(kLingerTime, state_.options.idle_timeout));
  if constexpr (kIsTls) {
    // Waits for the client's close_notify (or its closing); the linger timer bounds that.
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) { self->Close(); });
    return;
  }
  beast::error_code ec;
  socket().shutdown(asio::socket_base::shutdown_send, ec);
  if (ec) {
    Close();
    return;
  }
  Drain();
}

template <class Stream>
void BasicConnection<Stream>::Drain() {
  buffer_.consume(buffer_.size());
  socket().async_read_some(buffer_.prepare(kDrainChunk),
                           [self = shared_from_this()](beast::error_code ec, std::size_t) {
                             if (ec || self->closed_) {
                               self->Close();
                               return;
                             }
                             self->Drain();
                           });
}

template <class Stream>
void BasicConnection<Stream>::ArmTimer(Clock::duration after) {
  timer_.expires_after(after);
  // A weak reference: the timer alone must not keep a connection alive.
  timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->OnTimer();
  });
}

template <class Stream>
void BasicConnection<Stream>::OnTimer() {
  if (closed_) return;
  if (lingering_) {
    Close();
    return;
  }
  const Clock::duration idle_timeout = state_.options.idle_timeout;
  // The application is working on a request: not idle, however long it takes.
  if (awaiting_handler_) {
    ArmTimer(idle_timeout);
    return;
  }
  // One timer per connection, re-armed lazily here, instead of a timer operation per read:
  // the hot path only stores a time stamp.
  const Clock::duration quiet = Clock::now() - last_activity_;
  if (quiet >= idle_timeout) {
    Close();
    return;
  }
  ArmTimer(idle_timeout - quiet);
}

template <class Stream>
void BasicConnection<Stream>::EndRequest() {
  if (!counted_) return;
  counted_ = false;
  state_.EndRequest();
}

// The two streams a listener serves (connection.hpp).
template class BasicConnection<Socket>;
template class BasicConnection<TlsStream>;

}  // namespace renkei::http
