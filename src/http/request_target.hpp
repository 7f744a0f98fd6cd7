// Splitting an HTTP request-target ("/v2/entities?type=Room&q=temperature>20") into a
// percent-decoded path and decoded query pairs. Pure functions, no state; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renkei::http {

// Appends the percent-decoding of `in` to `out`. '+' stays '+' (RFC 3986; the
// form-encoding rule that turns '+' into a space does not apply to URLs here, and Orion
// treats '+' literally). A '%' not followed by two hex digits is kept as is.
void AppendPercentDecoded(std::string_view in, std::string& out);
// The same, as a new string.
std::string PercentDecoded(std::string_view in);

// Appends `in` as one path segment (RFC 3986 §3.3 `segment`): unreserved characters,
// sub-delims, ':' and '@' stay as they are, every other byte (notably '/', '?', '#', '%',
// spaces and non-ASCII) becomes %XX. An identifier that is itself a URL then stays one segment.
void AppendPercentEncodedSegment(std::string_view in, std::string& out);

// How a '+' in the query string decodes: literally (RFC 3986; what Orion does, so the NGSIv2
// dialect), or as a space (the HTML form encoding that Python requests, Java servlets and
// the ETSI NGSI-LD test suite use; a literal '+' then arrives as %2B).
enum class QueryPlus { kLiteral, kSpace };

// Fills `path` (decoded, without the query) and `query` (decoded name/value pairs in
// order; a parameter without '=' gets an empty value; empty pieces of "a&&b" are
// skipped). Reuses the capacity of the strings already in `path` and `query`.
void ParseRequestTarget(std::string_view target, std::string& path,
                        std::vector<std::pair<std::string, std::string>>& query,
                        QueryPlus plus = QueryPlus::kLiteral);

}  // namespace renkei::http
