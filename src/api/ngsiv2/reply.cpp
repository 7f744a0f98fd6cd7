#include "api/ngsiv2/reply.hpp"

#include "api/common/request_auth.hpp"
#include "core/json_text.hpp"

namespace renkei::api::ngsiv2 {

OrionError MapError(const base::Error& error) {
  using base::ErrorCode;
  switch (error.code) {
    case ErrorCode::kBadRequestData:
    case ErrorCode::kInvalidRequest:
      return {400, error.title.empty() ? "BadRequest" : error.title};
    case ErrorCode::kTooManyResults:
      return {400, "BadRequest"};
    case ErrorCode::kResourceNotFound:
      return {404, "NotFound"};
    case ErrorCode::kAlreadyExists:
      return {422, "Unprocessable"};
    case ErrorCode::kUnprocessable:
      return {422, error.title.empty() ? "Unprocessable" : error.title};
    case ErrorCode::kConflict:
      return {409, "TooManyResults"};
    case ErrorCode::kMethodNotAllowed:
      return {405, "MethodNotAllowed"};
    case ErrorCode::kNotAcceptable:
      return {406, "NotAcceptable"};
    case ErrorCode::kUnsupportedMediaType:
      return {415, "UnsupportedMediaType"};
    case ErrorCode::kLengthRequired:
      return {411, "ContentLengthRequired"};
    case ErrorCode::kPayloadTooLarge:
      return {413, error.title.empty() ? "RequestEntityTooLarge" : error.title};
    case ErrorCode::kOperationNotSupported:
      return {501, "NotImplemented"};
    // Orion leaves authentication to a PEP proxy in front of it; these follow its error
    // shape with the HTTP reason phrase as the error name (docs/orion-compatibility.md).
    case ErrorCode::kUnauthorized:
      return {401, "Unauthorized"};
    case ErrorCode::kForbidden:
      return {403, "Forbidden"};
    case ErrorCode::kTooManyRequests:
      return {429, "TooManyRequests"};
    case ErrorCode::kLdContextNotAvailable:
    case ErrorCode::kInternalError:
      break;
  }
  return {500, "InternalServerError"};
}

void Reply::Send(http::Response response) const {
  for (const auto& h : common_headers_) response.headers.push_back(h);
  responder_(std::move(response));
}

void Reply::Json(unsigned status, const boost::json::value& body, http::HeaderList extra) const {
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = core::ToJsonText(body, core::NumberStyle::kNineDecimals);
  Send(std::move(r));
}

void Reply::Text(unsigned status, std::string body, std::string content_type,
                 http::HeaderList extra) const {
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  r.headers.emplace_back("Content-Type", std::move(content_type));
  r.body = std::move(body);
  Send(std::move(r));
}

void Reply::Empty(unsigned status, http::HeaderList extra) const {
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  Send(std::move(r));
}

void Reply::Error(const base::Error& error, http::HeaderList extra,
                  std::string_view content_type) const {
  const OrionError mapped = MapError(error);
  for (auto& header : common::ChallengeHeaders(error)) extra.push_back(std::move(header));
  boost::json::object body;
  body["error"] = mapped.name;
  if (!error.detail.empty()) body["description"] = error.detail;
  if (content_type.empty()) content_type = error_content_type_;
  if (content_type.empty()) return Json(mapped.status, body, std::move(extra));
  Text(mapped.status, core::ToJsonText(body), std::string(content_type), std::move(extra));
}

}  // namespace renkei::api::ngsiv2
