#include "api/ngsiv2/call.hpp"

namespace renkei::api::ngsiv2 {

std::string Call::PathParam(std::string_view name) const {
  for (const auto& [k, v] : path) {
    if (k == name) return v;
  }
  return {};
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t pos = text.find(',', start);
    const std::size_t end = pos == std::string_view::npos ? text.size() : pos;
    if (end > start) out.emplace_back(text.substr(start, end - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

}  // namespace renkei::api::ngsiv2
