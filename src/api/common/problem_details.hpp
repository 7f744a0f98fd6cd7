// ProblemDetails (RFC 9457) for renkei's own endpoints (/admin/v1/..., /metrics): the one
// mapping from base::Error to an HTTP status and an `application/problem+json` body
// {type, title, status, detail[, instance]}. The type is a URN naming the problem
// (`urn:renkei:problem:<title>`, RFC 9457 §3.1.1), so a client tells problems apart without
// parsing the detail. The NGSI dialects keep their own formats (Orion's {error, description},
// NGSI-LD's ETSI error URIs). Pure, thread-safe.
#pragma once

#include <string_view>

#include "base/error.hpp"
#include "http/message.hpp"

namespace renkei::api::common {

// The HTTP status of an error code on the admin endpoints.
unsigned ProblemStatus(base::ErrorCode code);

// `title` is a short CamelCase name ("UnknownDataset"); `instance` may be empty (omitted).
http::Response ProblemResponse(unsigned status, std::string_view title, std::string_view detail,
                               std::string_view instance = {});

// An error's status from ProblemStatus; its title, or the status's name when it has none.
http::Response ProblemResponse(const base::Error& error, std::string_view instance = {});

}  // namespace renkei::api::common
