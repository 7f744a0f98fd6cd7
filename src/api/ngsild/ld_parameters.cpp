#include "api/ngsild/ld_parameters.hpp"

#include <algorithm>

#include "api/common/request_parts.hpp"

namespace renkei::api::ngsild {
namespace {

// §6.3.7: `format` names one representation; keyValues is the older name of simplified.
constexpr std::string_view kFormats[] = {"normalized", "concise", "simplified", "keyValues"};

bool Contains(std::span<const std::string_view> list, std::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

base::Unexpected Invalid(std::string detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "", std::move(detail));
}

}  // namespace

base::Result<void> CheckQueryParameters(
    const std::vector<std::pair<std::string, std::string>>& query, const LdParameters& allowed,
    std::set<std::string, std::less<>>& options) {
  for (const auto& [name, value] : query) {
    if (!Contains(allowed.names, name)) {
      return Invalid("unknown query parameter '" + name + "' for this operation");
    }
    const bool is_format = name == "format";
    if (!is_format && name != "options") continue;
    const auto& values = is_format ? std::span<const std::string_view>(kFormats) : allowed.options;
    for (auto& v : common::SplitCommaList(value)) {
      if (!Contains(values, v)) return Invalid("unknown " + name + " value '" + v + "'");
      options.insert(std::move(v));
    }
  }
  return base::Ok();
}

}  // namespace renkei::api::ngsild
