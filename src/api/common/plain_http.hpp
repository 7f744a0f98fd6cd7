// The words both dialects use for a plain-HTTP request on a listener that requires TLS
// (http::Request::plain_http_refused, docs/tls.md); each wraps them in its own error format.
#pragma once

#include <string_view>

namespace renkei::api {

inline constexpr std::string_view kPlainHttpRefused =
    "plain HTTP is refused: this server requires TLS, send the request over https";

}  // namespace renkei::api
