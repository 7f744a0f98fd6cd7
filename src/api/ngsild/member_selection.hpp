// The entity member selection language of `pick` and `omit` (NGSI-LD 1.8.1 §4.21): a comma
// list of member names (entity members such as id, type, scope, or attribute names), each
// optionally followed by a braced selection of the members of the entity it links to
// (`locatedAt{name,address}`), which applies when linked entities are retrieved (§4.5.23,
// linked_entities.hpp).
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

// One member of a selection, as written (not expanded), with the selection of the members of
// the entity it links to (empty: none was given; `a{}` is invalid).
struct SelectedMember {
  std::string name;
  std::vector<SelectedMember> nested;
};

// The members of `text` in order; `param` names the parameter in error details.
base::Result<std::vector<SelectedMember>> ParseMemberSelection(std::string_view param,
                                                               std::string_view text);

}  // namespace renkei::api::ngsild
