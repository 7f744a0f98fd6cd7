// Template definitions for router.hpp.
#pragma once

#include <algorithm>

#include "http/request_target.hpp"

namespace renkei::http {
namespace router_detail {

inline std::vector<std::string_view> Split(std::string_view path) {
  std::vector<std::string_view> out;
  std::size_t pos = 0;
  if (!path.empty() && path.front() == '/') pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::size_t end = next == std::string_view::npos ? path.size() : next;
    out.push_back(path.substr(pos, end - pos));
    if (next == std::string_view::npos) break;
    pos = next + 1;
  }
  // Ignore one trailing slash ("/v2/entities/" == "/v2/entities").
  if (out.size() > 1 && out.back().empty()) out.pop_back();
  return out;
}

inline bool IsRestParam(std::string_view segment) {
  return segment.size() > 3 && segment.front() == '{' && segment.ends_with("*}");
}

}  // namespace router_detail

template <typename Route>
void Router<Route>::Add(std::string method, std::string pattern, Route route) {
  Entry e{std::move(method), {}, std::move(route)};
  for (auto seg : router_detail::Split(pattern)) e.segments.emplace_back(seg);
  entries_.push_back(std::move(e));
}

template <typename Route>
typename Router<Route>::Match Router<Route>::Find(std::string_view method,
                                                  std::string_view path) const {
  return FindSegments(method, router_detail::Split(path));
}

template <typename Route>
typename Router<Route>::Match Router<Route>::FindEncoded(std::string_view method,
                                                         std::string_view encoded_path) const {
  std::vector<std::string> decoded;
  for (auto seg : router_detail::Split(encoded_path)) {
    AppendPercentDecoded(seg, decoded.emplace_back());
  }
  return FindSegments(method, std::vector<std::string_view>(decoded.begin(), decoded.end()));
}

template <typename Route>
typename Router<Route>::Match Router<Route>::FindSegments(
    std::string_view method, const std::vector<std::string_view>& segs) const {
  Match m;
  for (const auto& e : entries_) {
    const bool takes_rest = router_detail::IsRestParam(e.segments.back());
    if (takes_rest ? segs.size() < e.segments.size() : e.segments.size() != segs.size()) {
      continue;
    }
    PathParams params;
    bool ok = true;
    for (std::size_t i = 0; i < e.segments.size() && ok; ++i) {
      const std::string& p = e.segments[i];
      if (takes_rest && i + 1 == e.segments.size()) {
        std::string rest(segs[i]);
        for (std::size_t j = i + 1; j < segs.size(); ++j) (rest += '/') += segs[j];
        if (segs[i].empty())
          ok = false;
        else
          params.emplace_back(p.substr(1, p.size() - 3), std::move(rest));
      } else if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        if (segs[i].empty())
          ok = false;
        else
          params.emplace_back(p.substr(1, p.size() - 2), std::string(segs[i]));
      } else if (p != segs[i]) {
        ok = false;
      }
    }
    if (!ok) continue;
    m.path_known = true;
    if (std::find(m.allowed_methods.begin(), m.allowed_methods.end(), e.method) ==
        m.allowed_methods.end()) {
      m.allowed_methods.push_back(e.method);
    }
    if (m.route == nullptr && e.method == method) {
      m.route = &e.route;
      m.params = std::move(params);
    }
  }
  return m;
}

}  // namespace renkei::http
