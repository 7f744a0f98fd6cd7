#include "api/quality/problem_details.hpp"

#include <boost/json.hpp>

namespace renkei::api::quality {
namespace {

struct Mapping {
  unsigned status;
  std::string_view type;  // NGSI-LD error type; empty: "about:blank" (RFC 9457 §4.2.1)
};

Mapping MapError(base::ErrorCode code) {
  using base::ErrorCode;
  switch (code) {
    case ErrorCode::kBadRequestData:
      return {400, "BadRequestData"};
    case ErrorCode::kInvalidRequest:
      return {400, "InvalidRequest"};
    case ErrorCode::kResourceNotFound:
      return {404, "ResourceNotFound"};
    case ErrorCode::kTooManyResults:
      return {403, "TooManyResults"};
    case ErrorCode::kMethodNotAllowed:
      return {405, ""};
    case ErrorCode::kNotAcceptable:
      return {406, ""};
    case ErrorCode::kOperationNotSupported:
      return {422, "OperationNotSupported"};
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kConflict:
      return {409, "AlreadyExists"};
    case ErrorCode::kUnprocessable:
      return {422, ""};
    case ErrorCode::kUnsupportedMediaType:
      return {415, ""};
    case ErrorCode::kLengthRequired:
      return {411, ""};
    case ErrorCode::kPayloadTooLarge:
      return {413, ""};
    case ErrorCode::kLdContextNotAvailable:
      return {503, "LdContextNotAvailable"};
    case ErrorCode::kInternalError:
      return {500, "InternalError"};
  }
  return {500, "InternalError"};
}

}  // namespace

http::Response ProblemResponse(const base::Error& error, std::string_view instance) {
  const Mapping mapping = MapError(error.code);
  boost::json::object body;
  body["type"] = mapping.type.empty()
                     ? std::string("about:blank")
                     : "https://uri.etsi.org/ngsi-ld/errors/" + std::string(mapping.type);
  body["title"] = error.title;
  body["status"] = mapping.status;
  body["detail"] = error.detail;
  body["instance"] = std::string(instance);
  http::Response response;
  response.status = mapping.status;
  response.Set("Content-Type", "application/problem+json");
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace renkei::api::quality
