// The NGSIv2 400 errors every part of the dialect raises, with Orion's error names
// (Orion API manual "Error Responses"): BadRequest, and ParseError for payloads that are not
// the JSON expected. A base::Error converts to a failed base::Result.
#pragma once

#include <string>

#include "base/error.hpp"

namespace renkei::api::ngsiv2 {

inline base::Error BadRequest(std::string detail) {
  return base::Error{base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail)};
}

inline base::Error ParseError(std::string detail) {
  return base::Error{base::ErrorCode::kBadRequestData, "ParseError", std::move(detail)};
}

}  // namespace renkei::api::ngsiv2
