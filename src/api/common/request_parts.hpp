// Small readers of request parts both dialects share: comma-separated parameter lists and
// path parameters matched by the router. Pure; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "http/router.hpp"

namespace renkei::api::common {

// Comma-separated list, empty items dropped ("a,,b" -> {"a", "b"}).
std::vector<std::string> SplitCommaList(std::string_view text);

// The value of the path parameter `name`, or "" when the route has none.
std::string FindPathParam(const http::PathParams& params, std::string_view name);

}  // namespace renkei::api::common
