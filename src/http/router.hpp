// Router: a route table as data. Patterns are paths with `{name}` segments
// ("/v2/entities/{id}/attrs/{attr}"); a trailing '/' on the request path is ignored.
// Find matches decoded path segments, so "{id}" never spans a '/'; FindEncoded splits the
// still percent-encoded path first, so a parameter may hold an encoded '/' ("%2F"). A last
// segment `{name*}` takes the rest of the path, slashes included (an identifier that is itself a
// URL: "/jsonldContexts/{contextId*}"); its first segment must not be empty.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace renkei::http {

using PathParams = std::vector<std::pair<std::string, std::string>>;

template <typename Route>
class Router {
 public:
  // Adds a route for `method` and `pattern`; `route` is whatever the caller dispatches on.
  void Add(std::string method, std::string pattern, Route route);

  struct Match {
    const Route* route = nullptr;              // null when no route matched method and path
    bool path_known = false;                   // the path matched some route (405 vs 404)
    std::vector<std::string> allowed_methods;  // methods registered for the matched path
    PathParams params;
  };
  Match Find(std::string_view method, std::string_view path) const;
  // `encoded_path` is the path as sent (no query), each segment decoded after splitting.
  Match FindEncoded(std::string_view method, std::string_view encoded_path) const;

 private:
  Match FindSegments(std::string_view method, const std::vector<std::string_view>& segs) const;

  struct Entry {
    std::string method;
    std::vector<std::string> segments;
    Route route;
  };
  std::vector<Entry> entries_;
};

}  // namespace renkei::http

#include "http/router_impl.hpp"
