// ProblemDetails (RFC 9457) for the admin endpoints: the one mapping from base::Error to an
// HTTP status and an `application/problem+json` body {type, title, status, detail,
// instance}. Types reuse NGSI-LD's error vocabulary (ETSI GS CIM 009 §5.5.2), which is the
// vocabulary of base::ErrorCode. Pure, thread-safe.
#pragma once

#include <string_view>

#include "base/error.hpp"
#include "http/message.hpp"

namespace renkei::api::quality {

http::Response ProblemResponse(const base::Error& error, std::string_view instance);

}  // namespace renkei::api::quality
