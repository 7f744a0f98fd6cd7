#include "api/common/problem_details.hpp"

#include <boost/json.hpp>

#include "api/common/request_auth.hpp"

namespace renkei::api::common {
namespace {

std::string_view DefaultTitle(unsigned status) {
  switch (status) {
    case 400:
      return "BadRequest";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "NotFound";
    case 405:
      return "MethodNotAllowed";
    case 406:
      return "NotAcceptable";
    case 409:
      return "Conflict";
    case 411:
      return "LengthRequired";
    case 413:
      return "PayloadTooLarge";
    case 415:
      return "UnsupportedMediaType";
    case 422:
      return "Unprocessable";
    case 429:
      return "TooManyRequests";
    case 503:
      return "ServiceUnavailable";
    default:
      return "InternalError";
  }
}

}  // namespace

unsigned ProblemStatus(base::ErrorCode code) {
  using base::ErrorCode;
  switch (code) {
    case ErrorCode::kBadRequestData:
    case ErrorCode::kInvalidRequest:
      return 400;
    case ErrorCode::kUnauthorized:
      return 401;
    case ErrorCode::kForbidden:
    case ErrorCode::kTooManyResults:  // as NGSI-LD answers it (§6.3.2)
      return 403;
    case ErrorCode::kResourceNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kNotAcceptable:
      return 406;
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kLengthRequired:
      return 411;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kUnsupportedMediaType:
      return 415;
    case ErrorCode::kUnprocessable:
    case ErrorCode::kOperationNotSupported:
      return 422;
    case ErrorCode::kTooManyRequests:
      return 429;
    case ErrorCode::kLdContextNotAvailable:
      return 503;
    case ErrorCode::kInternalError:
      break;
  }
  return 500;
}

http::Response ProblemResponse(unsigned status, std::string_view title, std::string_view detail,
                               std::string_view instance) {
  boost::json::object body;
  body["type"] = "urn:renkei:problem:" + std::string(title);
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  if (!instance.empty()) body["instance"] = instance;
  http::Response response;
  response.status = status;
  response.Set("Content-Type", "application/problem+json");
  response.body = boost::json::serialize(body);
  return response;
}

http::Response ProblemResponse(const base::Error& error, std::string_view instance) {
  const unsigned status = ProblemStatus(error.code);
  const std::string_view title = error.title.empty() ? DefaultTitle(status) : error.title;
  http::Response response = ProblemResponse(status, title, error.detail, instance);
  for (auto& [name, value] : ChallengeHeaders(error)) response.Set(name, std::move(value));
  return response;
}

}  // namespace renkei::api::common
