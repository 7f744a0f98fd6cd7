#include "api/ngsild/ld_pagination.hpp"

#include <algorithm>

#include "http/request_target.hpp"

namespace renkei::api::ngsild {
namespace {

// `request`'s path and parameters with limit and offset replaced, as a link target.
std::string PageTarget(const http::Request& request, std::size_t offset, std::size_t limit) {
  // The resource's own path: a trailing slash the client wrote is left out (the router
  // serves both), and the slashes between segments stay slashes.
  std::string_view resource = request.path;
  while (resource.size() > 1 && resource.back() == '/') resource.remove_suffix(1);
  std::string path;
  for (std::size_t start = 0; start <= resource.size();) {
    const std::size_t slash = std::min(resource.find('/', start), resource.size());
    http::AppendPercentEncodedSegment(resource.substr(start, slash - start), path);
    if (slash == resource.size()) break;
    path += '/';
    start = slash + 1;
  }
  std::string target = std::move(path);
  target += "?limit=" + std::to_string(limit) + "&offset=" + std::to_string(offset);
  for (const auto& [name, value] : request.query) {
    if (name == "limit" || name == "offset") continue;
    target += '&';
    http::AppendPercentEncodedSegment(name, target);
    target += '=';
    http::AppendPercentEncodedSegment(value, target);
  }
  return target;
}

// §5.5.9 writes the link as <target>;rel="next";type="application/ld+json" (no spaces, as the
// conformance suite compares it).
std::string Link(const http::Request& request, std::size_t offset, std::size_t limit,
                 std::string_view rel) {
  return "<" + PageTarget(request, offset, limit) + ">;rel=\"" + std::string(rel) +
         "\";type=\"application/ld+json\"";
}

}  // namespace

http::HeaderList PaginationLinks(const http::Request& request, std::size_t offset,
                                 std::size_t limit, std::size_t total) {
  http::HeaderList links;
  if (limit == 0) return links;  // count only: no pages
  if (offset > 0) {
    links.emplace_back("Link", Link(request, offset > limit ? offset - limit : 0, limit, "prev"));
  }
  if (offset + limit < total)
    links.emplace_back("Link", Link(request, offset + limit, limit, "next"));
  return links;
}

}  // namespace renkei::api::ngsild
