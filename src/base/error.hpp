// Error: the one error value every module returns. Codes use NGSI-LD's vocabulary
// (ETSI GS CIM 009 §5.5.2) so both dialects can map them; NGSIv2 maps them onto Orion's
// names in api/ngsiv2/error_mapping.cpp. `title` is a short machine-ish name, `detail`
// the human text. A dialect may carry its exact wording in `detail`.
#pragma once

#include <cstdint>
#include <string>

namespace renkei::base {

enum class ErrorCode {
  kBadRequestData,    // syntactically fine, semantically invalid (400)
  kInvalidRequest,    // malformed request (400)
  kResourceNotFound,  // 404
  kAlreadyExists,     // 409 (NGSI-LD) / 422 (NGSIv2)
  kUnprocessable,     // 422, semantic conflict that is not "exists"
  kOperationNotSupported,
  kTooManyResults,        // 403 NGSI-LD, 400 NGSIv2
  kMethodNotAllowed,      // 405
  kNotAcceptable,         // 406
  kUnsupportedMediaType,  // 415
  kLengthRequired,        // 411
  kPayloadTooLarge,       // 413
  kConflict,              // 409: more than one match (NGSIv2 TooManyResults)
  kLdContextNotAvailable,
  kUnauthorized,     // 401: no or invalid credentials where the tenant requires them
  kForbidden,        // 403: authenticated, but not allowed (policy, consent, assurance)
  kTooManyRequests,  // 429: a rate limit; the detail says when to retry
  kInternalError,    // 500
};

struct Error {
  ErrorCode code = ErrorCode::kInternalError;
  std::string title;   // dialect-independent short name, e.g. "BadRequest"
  std::string detail;  // human-readable description
  // kTooManyRequests: when the client may try again (RFC 9110 §10.2.3 delay-seconds); each
  // dialect's error renderer sends it as Retry-After (api/common/request_auth.hpp).
  std::int64_t retry_after_seconds = 0;
};

inline Error MakeError(ErrorCode code, std::string title, std::string detail) {
  return Error{code, std::move(title), std::move(detail)};
}

}  // namespace renkei::base
