// Reply: how an NGSIv2 handler answers. Adds the headers Orion puts on every response
// (Fiware-Correlator, CORS) and renders errors as Orion's {"error","description"} bodies
// with Orion's status codes (Orion API manual "Error Responses"). Copyable; the underlying
// responder must be invoked exactly once, so call exactly one of the methods once.
#pragma once

#include <string>

#include <boost/json/value.hpp>

#include "base/error.hpp"
#include "http/message.hpp"

namespace renkei::api::ngsiv2 {

// The one mapping from Error to an NGSIv2 HTTP status and error name.
struct OrionError {
  unsigned status;
  std::string name;
};
OrionError MapError(const base::Error& error);

class Reply {
 public:
  // `error_content_type`: the Content-Type of error bodies ("" means application/json).
  Reply(http::Responder responder, http::HeaderList common_headers,
        std::string error_content_type = {})
      : responder_(std::move(responder)),
        common_headers_(std::move(common_headers)),
        error_content_type_(std::move(error_content_type)) {}

  void Json(unsigned status, const boost::json::value& body, http::HeaderList extra = {}) const;
  void Text(unsigned status, std::string body, std::string content_type,
            http::HeaderList extra = {}) const;
  void Empty(unsigned status, http::HeaderList extra = {}) const;
  // `content_type` overrides application/json (Orion answers errors of text/plain-only
  // requests as text/plain).
  void Error(const base::Error& error, http::HeaderList extra = {},
             std::string_view content_type = {}) const;
  // Sends a prepared response after adding the common headers.
  void Send(http::Response response) const;

 private:
  http::Responder responder_;
  http::HeaderList common_headers_;
  std::string error_content_type_;
};

}  // namespace renkei::api::ngsiv2
