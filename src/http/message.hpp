// Request and Response as the HTTP layer hands them to the application: plain values,
// no NGSI knowledge. Header names are matched case-insensitively.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renkei::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Case-insensitive lookup; nullopt when absent. Returns the first occurrence.
std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name);

struct Request {
  std::string method;  // "GET", "POST", ... as received
  std::string target;  // raw request-target, e.g. "/v2/entities?type=Room"
  std::string path;    // percent-decoded path without the query string
  // Query parameters in order, names and values percent-decoded ('+' is not a space).
  std::vector<std::pair<std::string, std::string>> query;
  HeaderList headers;
  std::string body;
  std::string remote_address;

  // Limits the server applied; the application decides how to answer (dialect errors).
  bool body_too_large = false;      // body exceeded ServerOptions::max_body_bytes; not read
  bool has_content_length = false;  // a Content-Length header was present
  bool chunked = false;             // Transfer-Encoding: chunked
  // Came over plain HTTP where TlsOptions::required: answer with an error, never the
  // resource (docs/tls.md); the connection closes after the response.
  bool plain_http_refused = false;

  // A field that may appear once sent twice is the client's error (RFC 9110 §5.3); the last
  // occurrence counts, as with Orion's request reader, so clients written against it (its
  // case 2549: a harness default and the case's own Content-Type) behave the same here.
  std::optional<std::string_view> Header(std::string_view name) const;
  // First value of a query parameter.
  std::optional<std::string_view> Param(std::string_view name) const;
};

struct Response {
  unsigned status = 200;
  HeaderList headers;
  std::string body;
  // Close the connection after this response (e.g. when the request body was not read).
  bool close = false;

  Response& Set(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// Completes one request. May be called from any thread, exactly once.
using Responder = std::function<void(Response)>;
// The application: gets each request on a server thread and answers through the responder,
// now or later (e.g. after a durable write).
using Handler = std::function<void(Request&&, Responder)>;

}  // namespace renkei::http
