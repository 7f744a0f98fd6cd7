// Content negotiation of the NGSI-LD API (ETSI GS CIM 009 v1.8 §6.3.4): which representation
// a response uses, from the request's Accept header (RFC 9110 §12.5.1 media ranges with
// q-values). Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string_view>

#include "api/ngsild/ld_reply.hpp"
#include "base/result.hpp"

namespace renkei::api::ngsild {

// The media type of a Content-Type value, without parameters or surrounding blanks.
std::string_view MediaTypeOf(std::string_view content_type);

// The representation to answer with. No Accept (or an empty one) means application/json.
// Among the acceptable types (q > 0) the highest q wins; on a tie, the more specific range
// (a full type over "application/*" over "*/*"), then application/ld+json over
// application/json over application/geo+json. Wildcards select application/json.
// application/geo+json counts only where `geo_json` (retrieve and query, §6.3.4).
// Errors: kNotAcceptable when nothing we produce is acceptable.
base::Result<LdMediaType> Negotiate(std::optional<std::string_view> accept, bool geo_json);

}  // namespace renkei::api::ngsild
