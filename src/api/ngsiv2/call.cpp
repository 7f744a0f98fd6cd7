#include "api/ngsiv2/call.hpp"

#include "api/common/request_parts.hpp"

namespace renkei::api::ngsiv2 {

std::string Call::PathParam(std::string_view name) const {
  return common::FindPathParam(path, name);
}

std::vector<std::string> SplitList(std::string_view text) { return common::SplitCommaList(text); }

}  // namespace renkei::api::ngsiv2
