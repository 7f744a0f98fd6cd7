// The entity member selection language of `pick` and `omit` (NGSI-LD 1.8.1 §4.21): a comma
// list of member names (entity members such as id, type, scope, or attribute names), each
// optionally followed by a braced selection of the members of the entity it links to
// (`locatedAt{name,address}`). renkei does not retrieve linked entities yet, so nested
// selections are validated and then ignored: only the top-level names are returned.
//
// Errors: kBadRequestData ("BadRequestData") naming the offending position: an empty member
// (`a,,b`, `a{}`, `a{,b}`), an unclosed or unopened brace, a brace not after a name (`a{{b}}`),
// or a character not allowed in names (§4.6.2: control characters, whitespace, and
// `<>"'=;()`). Pure function; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace renkei::api::ngsild {

// The top-level member names of `text`, as written (not expanded).
base::Result<std::vector<std::string>> ParseMemberSelection(std::string_view param,
                                                            std::string_view text);

}  // namespace renkei::api::ngsild
