#include "api/opendata/problem_details.hpp"

#include <boost/json.hpp>

namespace renkei::api::opendata {

http::Response ProblemResponse(unsigned status, std::string_view title, std::string_view detail) {
  boost::json::object body;
  body["type"] = "urn:renkei:problem:" + std::string(title);  // RFC 9457 §3.1.1
  body["title"] = title;
  body["status"] = status;
  body["detail"] = detail;
  http::Response response;
  response.status = status;
  response.Set("Content-Type", "application/problem+json");
  response.body = boost::json::serialize(body);
  return response;
}

unsigned StatusOf(base::ErrorCode code) {
  switch (code) {
    case base::ErrorCode::kBadRequestData:
    case base::ErrorCode::kInvalidRequest:
    case base::ErrorCode::kTooManyResults:
      return 400;
    case base::ErrorCode::kResourceNotFound:
      return 404;
    case base::ErrorCode::kMethodNotAllowed:
      return 405;
    case base::ErrorCode::kAlreadyExists:
    case base::ErrorCode::kConflict:
      return 409;
    case base::ErrorCode::kPayloadTooLarge:
      return 413;
    case base::ErrorCode::kUnprocessable:
      return 422;
    default:
      return 500;
  }
}

}  // namespace renkei::api::opendata
