// Server: HTTP/1.1 with keep-alive on Boost.Beast. One acceptor hands connections round
// robin to `threads` workers, each running its own io_context (docs/adr/0002). A connection
// lives on one worker; its requests are handled in order (no pipelining across handlers).
//
// Thread-safety: Start/Stop/Wait from one controlling thread. The Handler runs on worker
// threads concurrently; Responders may be invoked from any thread, also after their
// connection closed or the server stopped (the response is then dropped), but every
// Responder must be called or destroyed before the Server is destroyed or started again.
//
// Protocol errors are answered by the server itself and never reach the Handler: a
// malformed request gets 400, a header block over max_header_bytes 431, both with an empty
// body, and the connection is closed. An oversized body does reach the Handler, with
// Request::body_too_large set, so the dialect can phrase the error.
//
// TLS (docs/tls.md): with ServerOptions::tls the one listener serves HTTPS and plain HTTP,
// told apart by the first byte a client sends. Where TLS is required, a plain request still
// reaches the Handler, with Request::plain_http_refused set (the dialect phrases the error),
// and the connection closes after the answer.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <spdlog/logger.h>

#include "base/result.hpp"
#include "http/message.hpp"

namespace renkei::http {

struct TlsOptions {
  std::string cert_file;  // PEM: the certificate, then its chain
  std::string key_file;   // PEM: its unencrypted private key
  // Plain HTTP requests are answered with an error (Request::plain_http_refused)...
  bool required = true;
  // ...except from 127.0.0.0/8 and ::1 (development).
  bool exempt_loopback = false;
};

struct ServerOptions {
  std::string address = "127.0.0.1";
  std::uint16_t port = 1026;                 // 0 picks an ephemeral port (tests)
  unsigned threads = 0;                      // 0: one per hardware thread
  std::size_t max_body_bytes = 1024 * 1024;  // Orion's default inbound payload limit: 1 MB
  // Other body limits for request targets starting with a prefix (the first match wins),
  // e.g. file uploads that are larger than any API payload.
  std::vector<std::pair<std::string, std::size_t>> body_limits_by_prefix;
  std::size_t max_header_bytes = 64 * 1024;
  // Also bounds the wait for a new connection's first byte and its TLS handshake.
  std::chrono::seconds idle_timeout{60};
  std::optional<TlsOptions> tls;  // none: plain HTTP only
};

class Server {
 public:
  Server(ServerOptions options, Handler handler, std::shared_ptr<spdlog::logger> logger);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts the workers. kInternalError when the address cannot be bound;
  // kInvalidRequest when the TLS certificate or key cannot be used.
  base::Result<void> Start();
  // Re-reads the TLS certificate and key (SIGHUP): new connections get the new ones,
  // established ones keep theirs. On error the previous certificate stays in use. Any thread.
  base::Result<void> ReloadTls();
  // The bound port (after Start).
  std::uint16_t port() const;
  // Stops accepting; lets in-flight requests finish (up to `grace`), then closes all
  // connections and joins the workers.
  void Stop(std::chrono::milliseconds grace = std::chrono::milliseconds(10000));

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace renkei::http
