// Client: outgoing HTTP/1.1 requests (Boost.Beast) over plain TCP or TLS (OpenSSL), with
// keep-alive connection reuse: after a complete exchange the connection goes back to an idle
// pool per scheme://host:port and the next request to that origin reuses it. A reused
// connection the server closed meanwhile is retried once on a fresh one (only when nothing
// of the answer was read). Every step of one request is bounded by its timeout.
//
// TLS: the server's certificate is verified against the system's trust store (or
// `ca_file`) and must name the URL's host, unless `verify_tls` is false; SNI is sent.
//
// Errors: kInternalError with title "HttpClientError" and a detail that says what failed
// ("Connection refused", "timed out", "response too large", "invalid URL: ...").
// Thread-safety: Send may be called concurrently from any thread; each call runs on the
// calling thread (blocking it up to the timeout); only the idle pool is shared.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "http/message.hpp"

namespace renkei::http {

struct ClientRequest {
  std::string method = "GET";
  std::string url;  // http:// or https://, with the query string
  HeaderList headers;
  std::string body;
  std::chrono::milliseconds timeout{5000};
  std::size_t max_response_bytes = 1024 * 1024;
};

struct ClientResponse {
  unsigned status = 0;
  HeaderList headers;
  std::string body;
};

struct ClientOptions {
  std::size_t max_idle_per_origin = 8;
  std::string ca_file;     // PEM certificates to trust for https instead of the system's
  std::string user_agent;  // sent unless the request sets one; "" sends none
  // Asked for every address the URL's host resolves to, just before connecting (so a name
  // is judged by what it resolves to now): an answer refuses that address, and when every
  // address is refused the request fails with the first answer as its error. Unset: any.
  std::function<std::optional<std::string>(const std::string& address, std::uint16_t port)>
      endpoint_check;
  // false: https servers are not authenticated at all (any certificate, any name), as
  // Orion's -insecureNotif; for receivers with self-signed certificates on closed networks.
  bool verify_tls = true;
};

class Client {
 public:
  explicit Client(ClientOptions options = {});
  ~Client();
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // One request: SendPipelined with a window of one (the same reuse and retry rules).
  base::Result<ClientResponse> Send(const ClientRequest& request);

  // Sends `requests` in order with HTTP/1.1 pipelining (RFC 9112 §9.3.2): consecutive
  // requests to one origin go out together on one keep-alive connection, up to `depth` (and
  // kPipelineBytes) at a time, then their answers are read in order. Returns one result per
  // request, in order, ending at the first that failed (cannot connect, timed out, the
  // connection closed before its answer): the requests after it have no result and may or
  // may not have reached the server. An answer of any status is a result, and the answers
  // after a non-2xx one are still read. A connection the server closes with its answer
  // ("Connection: close", which ends its processing, RFC 9112 §9.6) is replaced and the
  // unanswered requests are sent again on a new one; a reused connection that failed before
  // any answer arrived is retried once. Each answer waits at most its request's
  // timeout. Same thread-safety as Send.
  std::vector<base::Result<ClientResponse>> SendPipelined(std::span<const ClientRequest> requests,
                                                          std::size_t depth);
  // The most bytes of requests written before their answers are read (one window); a
  // single larger request is still sent alone.
  static constexpr std::size_t kPipelineBytes = 256 * 1024;
  // Idle connections kept for reuse (tests).
  std::size_t IdleConnections() const;

 private:
  class Connection;
  struct Prepared;

  base::Result<Prepared> Prepare(const ClientRequest& request) const;

  std::unique_ptr<Connection> TakeIdle(const std::string& origin);
  void ReturnIdle(const std::string& origin, std::unique_ptr<Connection> conn);

  ClientOptions options_;
  struct TlsContext;
  std::unique_ptr<TlsContext> tls_;
  mutable std::mutex idle_mu_;  // guards idle_
  std::map<std::string, std::vector<std::unique_ptr<Connection>>> idle_;
};

// Splits an absolute http(s) URL; false when it is not one.
struct ParsedUrl {
  bool tls = false;
  std::string host;
  std::string port;
  std::string target = "/";  // path and query, never empty; no fragment
  // The Host header: the URL's authority without userinfo, port included when the URL
  // writes one (RFC 9110 §7.2), e.g. "localhost:9997", "[::1]:8080".
  std::string authority;
};
bool ParseHttpUrl(std::string_view url, ParsedUrl& out);

}  // namespace renkei::http
