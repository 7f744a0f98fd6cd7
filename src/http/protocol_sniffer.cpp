#include "http/protocol_sniffer.hpp"

#include <boost/asio/buffer.hpp>

#include "http/tls_context.hpp"
#include "http/tls_detect.hpp"

namespace renkei::http {

namespace asio = boost::asio;
namespace beast = boost::beast;

ProtocolSniffer::ProtocolSniffer(ServerState& state, Worker& worker, Socket socket)
    : state_(state), worker_(worker), socket_(std::move(socket)), timer_(socket_.get_executor()) {
  worker_.Add(this);
}

ProtocolSniffer::~ProtocolSniffer() { worker_.Remove(this); }

void ProtocolSniffer::Start() {
  if (closed_) return;
  if (state_.stopping.load()) {
    Close();
    return;
  }
  timer_.expires_after(state_.options.idle_timeout);
  // A weak reference: the timer alone must not keep the socket alive.
  timer_.async_wait([weak = weak_from_this()](beast::error_code ec) {
    if (ec) return;
    if (auto self = weak.lock()) self->Close();
  });
  socket_.async_receive(asio::buffer(&first_byte_, 1), asio::socket_base::message_peek,
                        [self = shared_from_this()](beast::error_code ec, std::size_t bytes) {
                          self->OnPeek(ec, bytes);
                        });
}

void ProtocolSniffer::Close() {
  if (closed_) return;
  closed_ = true;
  beast::error_code ec;
  socket_.close(ec);
  timer_.cancel();
}

void ProtocolSniffer::OnPeek(beast::error_code ec, std::size_t bytes) {
  if (closed_) return;
  timer_.cancel();
  if (ec || bytes == 0 || state_.stopping.load()) {
    Close();  // closed before a word, or the server is stopping
    return;
  }
  // The socket moves on; this object only unregisters when its last reference goes.
  closed_ = true;
  if (StartsTlsHandshake(first_byte_)) {
    auto context = state_.tls->Current();
    std::make_shared<TlsConnection>(state_, worker_, std::move(socket_),
                                    ConnectionSetup{std::move(context), false})
        ->Start();
    return;
  }
  const bool refuse = RefusePlain();
  std::make_shared<PlainConnection>(state_, worker_, std::move(socket_),
                                    ConnectionSetup{nullptr, refuse})
      ->Start();
}

bool ProtocolSniffer::RefusePlain() const {
  const TlsOptions& options = state_.tls->options();
  if (!options.required) return false;
  if (!options.exempt_loopback) return true;
  beast::error_code ec;
  const auto peer = socket_.remote_endpoint(ec);
  return ec || !IsLoopback(peer.address());
}

}  // namespace renkei::http
