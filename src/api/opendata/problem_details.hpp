// Errors of the admin endpoints as RFC 9457 Problem Details (application/problem+json with
// type, title, status, detail). The type is a URN naming the problem, so a client can tell
// them apart without parsing the detail text.
#pragma once

#include <string>
#include <string_view>

#include "base/error.hpp"
#include "http/message.hpp"

namespace renkei::api::opendata {

// `title` is a short CamelCase name ("UnknownDataset"); type = "urn:renkei:problem:<title>".
http::Response ProblemResponse(unsigned status, std::string_view title, std::string_view detail);

// The HTTP status of a service or import error (400 for bad data, 500 for the store, ...).
unsigned StatusOf(base::ErrorCode code);

}  // namespace renkei::api::opendata
