// ProtocolSniffer: the first moments of a connection on a listener with TLS. It peeks at
// the first byte the client sends (MSG_PEEK: the byte stays in the socket for whoever reads
// next) and hands the socket to a TlsConnection for a handshake record, else to a
// PlainConnection, marked to refuse its requests where TLS is required (docs/tls.md).
// Listeners without TLS skip this step: the plain path stays as it was.
//
// Threading: lives on its Worker's thread, registered with the Worker like a connection so
// Server::Stop closes a client that never speaks. The idle timeout bounds the wait.
#pragma once

#include <cstdint>
#include <memory>

#include "http/connection.hpp"

namespace renkei::http {

class ProtocolSniffer final : public LiveConnection,
                              public std::enable_shared_from_this<ProtocolSniffer> {
 public:
  ProtocolSniffer(ServerState& state, Worker& worker, Socket socket);
  ~ProtocolSniffer() override;
  ProtocolSniffer(const ProtocolSniffer&) = delete;
  ProtocolSniffer& operator=(const ProtocolSniffer&) = delete;

  // Waits for the first byte. Worker thread.
  void Start();
  void Close() override;
  bool busy() const override { return false; }

 private:
  void OnPeek(boost::beast::error_code ec, std::size_t bytes);
  // Where TLS is required, plain HTTP is refused unless loopback is exempt and the peer is.
  bool RefusePlain() const;

  ServerState& state_;
  Worker& worker_;
  Socket socket_;
  Timer timer_;
  std::uint8_t first_byte_ = 0;
  bool closed_ = false;
};

}  // namespace renkei::http
