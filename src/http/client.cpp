#include "http/client.hpp"

#include <optional>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

namespace renkei::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;

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
  std::string error;  // why the trust store could not be loaded, if it could not
};

// One connection with its own io_context, so it can be driven from whichever thread sends
// on it and be kept idle between requests.
class Client::Connection {
 public:
  Connection(const ParsedUrl& url, TlsContext* tls) : host_(url.host) {
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
        tls_stream_->set_verify_callback(asio::ssl::host_name_verification(host_));
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

  // Writes the request and reads the answer. `read_any` tells whether any byte of the
  // answer arrived (a reused connection closed by the server fails before that).
  std::optional<std::string> Exchange(
      const beast::http::request<beast::http::string_body>& request,
      beast::http::response_parser<beast::http::string_body>& response,
      std::chrono::milliseconds timeout, bool& read_any) {
    Lowest().expires_after(timeout);
    std::optional<std::string> failure = std::string("timed out");
    read_any = false;
    auto on_read = [&](beast::error_code ec, std::size_t bytes) {
      read_any = bytes > 0 || buffer_.size() > 0 || response.got_some();
      if (ec == beast::http::error::body_limit) {
        failure = "response too large";
      } else if (ec) {
        failure = Describe(ec);
      } else {
        failure.reset();
      }
    };
    auto on_write = [&](beast::error_code ec, std::size_t) {
      if (ec) {
        failure = Describe(ec);
        return;
      }
      if (tls_stream_) {
        beast::http::async_read(*tls_stream_, buffer_, response, on_read);
      } else {
        beast::http::async_read(*tcp_stream_, buffer_, response, on_read);
      }
    };
    if (tls_stream_) {
      beast::http::async_write(*tls_stream_, request, on_write);
    } else {
      beast::http::async_write(*tcp_stream_, request, on_write);
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
  tls_->context.set_verify_mode(asio::ssl::verify_peer);
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

base::Result<ClientResponse> Client::Send(const ClientRequest& req) {
  ParsedUrl url;
  if (!ParseHttpUrl(req.url, url)) return ClientError("invalid URL: " + req.url);
  if (url.tls && !tls_->error.empty()) return ClientError(tls_->error);
  const std::string origin = (url.tls ? "https://" : "http://") + url.host + ":" + url.port;

  beast::http::request<beast::http::string_body> request;
  const auto verb = beast::http::string_to_verb(req.method);
  if (verb == beast::http::verb::unknown) return ClientError("unknown method " + req.method);
  request.method(verb);
  request.target(url.target);
  request.version(11);
  request.set(beast::http::field::host, url.host);
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

  // One retry, and only for a reused connection that failed before any answer arrived
  // (the server closed it while idle): the request did not reach a live exchange.
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::unique_ptr<Connection> conn = attempt == 0 ? TakeIdle(origin) : nullptr;
    const bool reused = conn != nullptr;
    if (!conn) {
      conn = std::make_unique<Connection>(url, tls_.get());
      if (auto failed = conn->Open(url, req.timeout, options_.endpoint_check)) {
        return ClientError(*failed);
      }
    }
    beast::http::response_parser<beast::http::string_body> parser;
    parser.body_limit(req.max_response_bytes);
    bool read_any = false;
    auto failed = conn->Exchange(request, parser, req.timeout, read_any);
    if (failed) {
      if (reused && !read_any && *failed != "timed out") continue;
      return ClientError(*failed);
    }
    const auto& res = parser.get();
    ClientResponse out;
    out.status = res.result_int();
    for (const auto& field : res) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.body = res.body();
    if (res.keep_alive()) ReturnIdle(origin, std::move(conn));
    return out;
  }
  return ClientError("connection closed by the server");
}

}  // namespace renkei::http
