#include "http/client.hpp"

#include <algorithm>
#include <optional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/buffers_range.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

// Why reading an answer failed, nullopt when it did not.
std::optional<std::string> ReadFailure(const beast::error_code& ec);

using EndpointCheck = std::function<std::optional<std::string>(const std::string&, std::uint16_t)>;

base::Unexpected ClientError(std::string detail) {
  return base::Fail(base::ErrorCode::kInternalError, "HttpClientError", std::move(detail));
}

// The system's words for what failed ("Connection refused", "certificate verify failed"):
// they reach clients as LdContextNotAvailable details and subscriptions' lastFailureReason.
std::string Describe(const beast::error_code& ec) {
  if (ec == beast::error::timeout || ec == asio::error::operation_aborted) return "timed out";
  return ec.message();
}

std::optional<std::string> ReadFailure(const beast::error_code& ec) {
  if (ec == beast::http::error::body_limit) return std::string("response too large");
  if (ec) return Describe(ec);
  return std::nullopt;
}

// The request as it goes on the wire (the serializer's buffers, copied), so several can be
// written with one call.
void AppendWire(const beast::http::request<beast::http::string_body>& request, std::string& out) {
  beast::http::request_serializer<beast::http::string_body> serializer(request);
  beast::error_code ec;
  do {
    serializer.next(ec, [&](beast::error_code&, const auto& buffers) {
      for (const auto buffer : beast::buffers_range_ref(buffers)) {
        out.append(static_cast<const char*>(buffer.data()), buffer.size());
      }
      serializer.consume(beast::buffer_bytes(buffers));
    });
  } while (!ec && !serializer.is_done());
}

ClientResponse ToClientResponse(const beast::http::response<beast::http::string_body>& res) {
  ClientResponse out;
  out.status = res.result_int();
  for (const auto& field : res) {
    out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  out.body = res.body();
  return out;
}

}  // namespace

bool ParseHttpUrl(std::string_view url, ParsedUrl& out) {
  if (url.starts_with("http://")) {
    url.remove_prefix(7);
    out.tls = false;
    out.port = "80";
  } else if (url.starts_with("https://")) {
    url.remove_prefix(8);
    out.tls = true;
    out.port = "443";
  } else {
    return false;
  }
  const auto slash = url.find_first_of("/?#");
  std::string_view authority = url.substr(0, slash);
  out.target = "/";
  if (slash != std::string_view::npos) {
    std::string_view rest = url.substr(slash);
    // A fragment is never sent (RFC 9110 §7.1).
    rest = rest.substr(0, rest.find('#'));
    if (rest.starts_with("?")) {
      out.target = "/" + std::string(rest);
    } else if (!rest.empty()) {
      out.target = std::string(rest);
    }
  }
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    authority.remove_prefix(at + 1);  // userinfo is not sent as such
  }
  out.authority = std::string(authority);
  if (authority.starts_with("[")) {
    const auto close = authority.find(']');
    if (close == std::string_view::npos) return false;
    out.host = std::string(authority.substr(1, close - 1));
    authority.remove_prefix(close + 1);
    if (authority.starts_with(":")) out.port = std::string(authority.substr(1));
  } else {
    if (const auto colon = authority.rfind(':'); colon != std::string_view::npos) {
      out.port = std::string(authority.substr(colon + 1));
      authority = authority.substr(0, colon);
    }
    out.host = std::string(authority);
  }
  return !out.host.empty() && !out.port.empty();
}

struct Client::TlsContext {
  asio::ssl::context context{asio::ssl::context::tls_client};
  std::string error;   // why the trust store could not be loaded, if it could not
  bool verify = true;  // ClientOptions::verify_tls
};

// One connection with its own io_context, so it can be driven from whichever thread sends
// on it and be kept idle between requests.
class Client::Connection {
 public:
  Connection(const ParsedUrl& url, TlsContext* tls) : host_(url.host), verify_(tls->verify) {
    if (url.tls) {
      tls_stream_.emplace(io_, tls->context);
    } else {
      tcp_stream_.emplace(io_);
    }
  }

  // Resolves, connects and (for TLS) handshakes. Returns why it failed.
  // `check` (may be empty) filters the resolved addresses (ClientOptions::endpoint_check).
  std::optional<std::string> Open(const ParsedUrl& url, std::chrono::milliseconds timeout,
                                  const EndpointCheck& check) {
    auto& tcp = Lowest();
    tcp.expires_after(timeout);
    std::optional<std::string> failure = std::string("timed out");
    asio::ip::tcp::resolver resolver(io_);
    resolver.async_resolve(url.host, url.port, [&](beast::error_code ec, auto results) {
      if (ec) {
        failure = Describe(ec);
        return;
      }
      std::vector<asio::ip::tcp::endpoint> endpoints;
      std::optional<std::string> refused;
      for (const auto& entry : results) {
        const auto endpoint = entry.endpoint();
        auto why = check ? check(endpoint.address().to_string(), endpoint.port()) : std::nullopt;
        if (!why) {
          endpoints.push_back(endpoint);
        } else if (!refused) {
          refused = std::move(why);
        }
      }
      if (endpoints.empty()) {
        failure = refused.value_or("the host resolved to no address");
        return;
      }
      tcp.async_connect(endpoints, [&](beast::error_code ec2, auto) {
        if (ec2) {
          failure = Describe(ec2);
          return;
        }
        if (!tls_stream_) {
          failure.reset();
          return;
        }
        // SNI, and the certificate must name the host (RFC 9110 §4.3.4).
        if (SSL_ctrl(tls_stream_->native_handle(), SSL_CTRL_SET_TLSEXT_HOSTNAME,
                     TLSEXT_NAMETYPE_host_name, host_.data()) != 1) {
          failure = "cannot set the TLS server name";
          return;
        }
        if (verify_) tls_stream_->set_verify_callback(asio::ssl::host_name_verification(host_));
        tls_stream_->async_handshake(asio::ssl::stream_base::client, [&](beast::error_code ec3) {
          if (ec3) {
            failure = Describe(ec3);
          } else {
            failure.reset();
          }
        });
      });
    });
    Run(timeout);
    return failure;
  }

  // Writes `wire` (serialized requests) whole. Returns why it failed.
  std::optional<std::string> Write(const std::string& wire, std::chrono::milliseconds timeout) {
    Lowest().expires_after(timeout);
    std::optional<std::string> failure = std::string("timed out");
    auto on_write = [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failure = Describe(ec);
      } else {
        failure.reset();
      }
    };
    if (tls_stream_) {
      asio::async_write(*tls_stream_, asio::buffer(wire), on_write);
    } else {
      asio::async_write(*tcp_stream_, asio::buffer(wire), on_write);
    }
    Run(timeout);
    return failure;
  }

  // Reads the next answer (bytes of later answers stay buffered for the next call).
  // `read_any` tells whether any byte of the answer arrived (a reused connection the server
  // closed while idle fails before that, and may be retried).
  std::optional<std::string> Read(beast::http::response_parser<beast::http::string_body>& response,
                                  std::chrono::milliseconds timeout, bool& read_any) {
    Lowest().expires_after(timeout);
    std::optional<std::string> failure = std::string("timed out");
    read_any = buffer_.size() > 0;
    auto on_read = [&](beast::error_code ec, std::size_t bytes) {
      read_any = read_any || bytes > 0 || response.got_some();
      failure = ReadFailure(ec);
    };
    if (tls_stream_) {
      beast::http::async_read(*tls_stream_, buffer_, response, on_read);
    } else {
      beast::http::async_read(*tcp_stream_, buffer_, response, on_read);
    }
    Run(timeout);
    return failure;
  }

 private:
  beast::tcp_stream& Lowest() {
    return tls_stream_ ? beast::get_lowest_layer(*tls_stream_) : *tcp_stream_;
  }
  void Run(std::chrono::milliseconds timeout) {
    io_.restart();
    // The stream's expiry bounds each step; this bounds the resolver too.
    io_.run_for(timeout + std::chrono::milliseconds(100));
    if (!io_.stopped()) {
      Lowest().cancel();
      io_.run_for(std::chrono::milliseconds(100));
    }
  }

  asio::io_context io_;
  std::string host_;
  bool verify_;
  std::optional<beast::tcp_stream> tcp_stream_;
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
  beast::flat_buffer buffer_;
};

Client::Client(ClientOptions options)
    : options_(std::move(options)), tls_(std::make_unique<TlsContext>()) {
  beast::error_code ec;
  if (options_.ca_file.empty()) {
    tls_->context.set_default_verify_paths(ec);
  } else {
    tls_->context.load_verify_file(options_.ca_file, ec);
  }
  if (ec) tls_->error = "no TLS trust store: " + ec.message();
  tls_->verify = options_.verify_tls;
  // Without verification (Orion's -insecureNotif) any certificate is accepted, whoever it
  // names; the trust store is then not needed either.
  if (!tls_->verify) tls_->error.clear();
  tls_->context.set_verify_mode(tls_->verify ? asio::ssl::verify_peer : asio::ssl::verify_none);
}

Client::~Client() = default;

std::unique_ptr<Client::Connection> Client::TakeIdle(const std::string& origin) {
  std::lock_guard lock(idle_mu_);
  auto it = idle_.find(origin);
  if (it == idle_.end() || it->second.empty()) return nullptr;
  auto conn = std::move(it->second.back());
  it->second.pop_back();
  return conn;
}

void Client::ReturnIdle(const std::string& origin, std::unique_ptr<Connection> conn) {
  std::lock_guard lock(idle_mu_);
  auto& pool = idle_[origin];
  if (pool.size() < options_.max_idle_per_origin) pool.push_back(std::move(conn));
}

std::size_t Client::IdleConnections() const {
  std::lock_guard lock(idle_mu_);
  std::size_t n = 0;
  for (const auto& [origin, pool] : idle_) n += pool.size();
  return n;
}

struct Client::Prepared {
  ParsedUrl url;
  std::string origin;  // scheme://host:port
  beast::http::request<beast::http::string_body> request;
};

base::Result<Client::Prepared> Client::Prepare(const ClientRequest& req) const {
  Prepared out;
  if (!ParseHttpUrl(req.url, out.url)) return ClientError("invalid URL: " + req.url);
  const ParsedUrl& url = out.url;
  if (url.tls && !tls_->error.empty()) return ClientError(tls_->error);
  out.origin = (url.tls ? "https://" : "http://") + url.host + ":" + url.port;

  auto& request = out.request;
  const auto verb = beast::http::string_to_verb(req.method);
  if (verb == beast::http::verb::unknown) return ClientError("unknown method " + req.method);
  request.method(verb);
  request.target(url.target);
  request.version(11);
  request.set(beast::http::field::host, url.authority);
  bool has_agent = false;
  for (const auto& [name, value] : req.headers) {
    request.insert(name, value);
    has_agent = has_agent || beast::iequals(name, "User-Agent");
  }
  if (!has_agent && !options_.user_agent.empty()) {
    request.set(beast::http::field::user_agent, options_.user_agent);
  }
  request.body() = req.body;
  request.keep_alive(true);
  request.prepare_payload();
  return out;
}

base::Result<ClientResponse> Client::Send(const ClientRequest& req) {
  // One request is a window of one: the same connection reuse and retry rule.
  auto results = SendPipelined(std::span<const ClientRequest>(&req, 1), 1);
  return std::move(results.front());
}

std::vector<base::Result<ClientResponse>> Client::SendPipelined(
    std::span<const ClientRequest> requests, std::size_t depth) {
  std::vector<base::Result<ClientResponse>> results;
  results.reserve(requests.size());
  depth = std::max<std::size_t>(1, depth);
  std::unique_ptr<Connection> conn;
  std::string conn_origin;
  bool conn_used = false;  // a window was answered on it, or it came from the idle pool
  auto release = [&] {
    if (conn) ReturnIdle(conn_origin, std::move(conn));
    conn.reset();
  };
  std::size_t next = 0;
  while (next < requests.size()) {
    // The window: consecutive requests to the origin of the first, within depth and bytes.
    auto first = Prepare(requests[next]);
    if (!first) {
      release();
      results.push_back(base::Fail(first.error()));
      return results;
    }
    std::string wire;
    AppendWire(first->request, wire);
    auto timeout = requests[next].timeout;
    std::size_t end = next + 1;
    while (end < requests.size() && end - next < depth && wire.size() < kPipelineBytes) {
      auto more = Prepare(requests[end]);
      if (!more || more->origin != first->origin) break;  // the next window starts there
      AppendWire(more->request, wire);
      timeout = std::max(timeout, requests[end].timeout);
      ++end;
    }
    if (conn && conn_origin != first->origin) release();

    // One retry, and only for a used connection that failed before any answer arrived (the
    // server closed it while idle): the requests did not reach a live exchange.
    for (int attempt = 0; attempt < 2; ++attempt) {
      bool retry = false;
      if (!conn) {
        conn = attempt == 0 ? TakeIdle(first->origin) : nullptr;
        conn_origin = first->origin;
        conn_used = conn != nullptr;
      }
      if (!conn) {
        conn = std::make_unique<Connection>(first->url, tls_.get());
        if (auto failed = conn->Open(first->url, timeout, options_.endpoint_check)) {
          conn.reset();
          results.push_back(ClientError(*failed));
          return results;
        }
      }
      const bool may_retry = conn_used && attempt == 0;
      if (auto failed = conn->Write(wire, timeout)) {
        conn.reset();
        if (may_retry) continue;
        results.push_back(ClientError(*failed));
        return results;
      }
      bool closed = false;
      for (std::size_t k = next; k < end; ++k) {
        beast::http::response_parser<beast::http::string_body> parser;
        parser.body_limit(requests[k].max_response_bytes);
        if (requests[k].method == "HEAD") parser.skip(true);  // RFC 9110 §9.3.2: no content
        bool read_any = false;
        if (auto failed = conn->Read(parser, requests[k].timeout, read_any)) {
          conn.reset();
          if (k == next && may_retry && !read_any && *failed != "timed out") {
            retry = true;
            break;
          }
          results.push_back(ClientError(*failed));
          return results;
        }
        results.push_back(ToClientResponse(parser.get()));
        conn_used = true;
        if (!parser.get().keep_alive()) {
          // RFC 9112 §9.6: the server processes nothing after this answer on this connection.
          conn.reset();
          next = k + 1;
          closed = true;
          break;
        }
      }
      if (retry) continue;
      if (!closed) next = end;
      break;
    }
  }
  release();
  return results;
}

}  // namespace renkei::http
