#include "api/ngsild/ld_reply.hpp"

#include "api/common/request_auth.hpp"
#include "core/json_text.hpp"

namespace renkei::api::ngsild {

namespace json = boost::json;

// NGSI-LD 1.8 §5.5.2 Table 5.5.2-1 (error types) and §6.3.2 (their HTTP status codes).
// HTTP-level refusals that have no NGSI-LD type (405, 406, 411, 413, 415) use InvalidRequest.
LdProblem MapLdError(const base::Error& error) {
  using base::ErrorCode;
  switch (error.code) {
    case ErrorCode::kBadRequestData:
    case ErrorCode::kUnprocessable:
      return {400, "BadRequestData"};
    case ErrorCode::kInvalidRequest:
      return {400, "InvalidRequest"};
    case ErrorCode::kResourceNotFound:
      return {404, "ResourceNotFound"};
    case ErrorCode::kAlreadyExists:
      return {409, "AlreadyExists"};
    case ErrorCode::kConflict:
      return {409, "Conflict"};
    case ErrorCode::kOperationNotSupported:
      return {422, "OperationNotSupported"};  // §6.3.2 Table 6.3.2-1
    case ErrorCode::kTooManyResults:
      return {403, "TooManyResults"};
    case ErrorCode::kMethodNotAllowed:
      return {405, "InvalidRequest"};
    case ErrorCode::kNotAcceptable:
      return {406, "InvalidRequest"};
    case ErrorCode::kUnsupportedMediaType:
      return {415, "InvalidRequest"};
    case ErrorCode::kLengthRequired:
      return {411, "InvalidRequest"};
    case ErrorCode::kPayloadTooLarge:
      return {413, "InvalidRequest"};
    case ErrorCode::kLdContextNotAvailable:
      return {503, "LdContextNotAvailable"};
    // NGSI-LD 1.8 defines no error types for authentication, authorization or rate limits
    // (§5.5.2 leaves security to the deployment); renkei names its own (docs/ngsild-mapping.md).
    case ErrorCode::kUnauthorized:
      return {401, "Unauthorized", false};
    case ErrorCode::kForbidden:
      return {403, "Forbidden", false};
    case ErrorCode::kTooManyRequests:
      return {429, "TooManyRequests", false};
    case ErrorCode::kInternalError:
      break;
  }
  return {500, "InternalError"};
}

base::Unexpected BadRequestData(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

json::object ProblemJson(const base::Error& error) {
  const LdProblem problem = MapLdError(error);
  json::object body;
  body["type"] = (problem.etsi ? "https://uri.etsi.org/ngsi-ld/errors/" : "urn:renkei:problem:") +
                 std::string(problem.type);
  body["title"] = error.title.empty() ? std::string(problem.type) : error.title;
  if (!error.detail.empty()) body["detail"] = error.detail;
  return body;
}

void LdReply::Send(http::Response response) const {
  for (const auto& h : common_headers_) response.headers.push_back(h);
  responder_(std::move(response));
}

void LdReply::Entities(unsigned status, json::value body, http::HeaderList extra) const {
  if (context_.media == LdMediaType::kLdJson) {
    // §6.3.5: with application/ld+json the @context is a member of each entity.
    auto add = [this](json::value& v) {
      if (auto* o = v.if_object()) o->emplace("@context", context_.inline_context);
    };
    if (auto* a = body.if_array()) {
      for (auto& e : *a) add(e);
    } else {
      add(body);
    }
  } else if (context_.media == LdMediaType::kGeoJson) {
    // §4.5.16: a GeoJSON Feature, or the FeatureCollection of a query, carries the @context
    // as a member of its own.
    if (auto* o = body.if_object()) o->emplace("@context", context_.inline_context);
  } else if (context_.media == LdMediaType::kJson) {
    extra.emplace_back("Link", "<" + context_.link_url +
                                   ">; rel=\"http://www.w3.org/ns/json-ld#context\"; "
                                   "type=\"application/ld+json\"");
  }
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  r.headers.emplace_back("Content-Type",
                         context_.media == LdMediaType::kLdJson    ? "application/ld+json"
                         : context_.media == LdMediaType::kGeoJson ? "application/geo+json"
                                                                   : "application/json");
  r.body = core::ToJsonText(body);
  Send(std::move(r));
}

void LdReply::Json(unsigned status, const json::value& body, http::HeaderList extra,
                   std::string_view content_type) const {
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  r.headers.emplace_back("Content-Type", std::string(content_type));
  r.body = core::ToJsonText(body);
  Send(std::move(r));
}

void LdReply::Empty(unsigned status, http::HeaderList extra) const {
  http::Response r;
  r.status = status;
  r.headers = std::move(extra);
  Send(std::move(r));
}

void LdReply::Error(const base::Error& error, http::HeaderList extra) const {
  http::Response r;
  r.status = MapLdError(error).status;
  r.headers = std::move(extra);
  for (auto& header : common::ChallengeHeaders(error)) r.headers.push_back(std::move(header));
  // §6.3.2: ProblemDetails are sent as application/json.
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = core::ToJsonText(ProblemJson(error));
  Send(std::move(r));
}

}  // namespace renkei::api::ngsild
