#include "api/common/request_parts.hpp"

namespace renkei::api::common {

std::vector<std::string> SplitCommaList(std::string_view text) {
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

std::string FindPathParam(const http::PathParams& params, std::string_view name) {
  for (const auto& [k, v] : params) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace renkei::api::common
