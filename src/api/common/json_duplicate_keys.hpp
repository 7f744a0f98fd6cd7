// Duplicated member names in JSON text. Boost.JSON (1.81) keeps only the last of duplicated
// members when it parses, so a request that names one attribute twice would silently lose
// one; Orion refuses it ("duplicated attribute /A/", test case 1444_err_msg_duplicate_attr).
// This scan of the raw text finds them.
#pragma once

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

namespace renkei::api::common {

// The first member name that occurs twice in one object at nesting depth `depth` (1: the
// members of the top-level object; 3: of the objects inside an array inside it, such as
// {"entities":[{...}]}). `text` must be valid JSON (parse it first); names are compared as
// written, escapes undecoded. Names in `ignored` may repeat.
std::optional<std::string> FirstDuplicateKey(std::string_view text, int depth,
                                             std::initializer_list<std::string_view> ignored = {});

}  // namespace renkei::api::common
