// The pagination links of a list answer (ETSI GS CIM 009 v1.8 §5.5.9 "Pagination"): a `Link`
// header with rel="prev" when items precede the page and rel="next" when items follow it, each
// naming the same request with the offset of that page (and its other parameters kept).
// Pure.
#pragma once

#include <cstddef>

#include "http/message.hpp"

namespace renkei::api::ngsild {

// The Link headers (zero, one or two) for the page [offset, offset + limit) of `total` items
// answered to `request`.
http::HeaderList PaginationLinks(const http::Request& request, std::size_t offset,
                                 std::size_t limit, std::size_t total);

}  // namespace renkei::api::ngsild
