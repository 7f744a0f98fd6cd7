#include "api/ngsiv2/ngsiv2_api.hpp"
#include "api/ngsiv2/orion_errors.hpp"

#include <algorithm>

#include <boost/json/object.hpp>

#include "api/common/plain_http.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"
#include "api/ngsiv2/handlers.hpp"
#include "api/ngsiv2/payload_parser.hpp"

namespace renkei::api::ngsiv2 {
namespace {

using base::ErrorCode;

// The route table (Orion API manual, "API Routes").
void AddRoutes(http::Router<Route>& r) {
  r.Add("GET", "/version", {GetVersion, BodyKind::kNone});
  r.Add("GET", "/v2", {GetApiRoot, BodyKind::kNone});
  // Per path, methods are registered in the order Orion lists them in Allow headers.
  r.Add("POST", "/v2/entities", {CreateEntity, BodyKind::kJson});
  r.Add("GET", "/v2/entities", {ListEntities, BodyKind::kNone});
  r.Add("GET", "/v2/entities/{id}", {RetrieveEntity, BodyKind::kNone});
  r.Add("DELETE", "/v2/entities/{id}", {DeleteEntity, BodyKind::kNone});
  r.Add("GET", "/v2/entities/{id}/attrs", {RetrieveAttributes, BodyKind::kNone});
  r.Add("PATCH", "/v2/entities/{id}/attrs", {UpdateAttributes, BodyKind::kJson});
  r.Add("POST", "/v2/entities/{id}/attrs", {AppendAttributes, BodyKind::kJson});
  r.Add("PUT", "/v2/entities/{id}/attrs", {ReplaceAttributes, BodyKind::kJson});
  r.Add("GET", "/v2/entities/{id}/attrs/{attr}", {RetrieveAttribute, BodyKind::kNone});
  r.Add("PUT", "/v2/entities/{id}/attrs/{attr}", {UpdateAttribute, BodyKind::kJson, true});
  r.Add("DELETE", "/v2/entities/{id}/attrs/{attr}", {DeleteAttribute, BodyKind::kNone});
  r.Add("GET", "/v2/entities/{id}/attrs/{attr}/value", {RetrieveAttributeValue, BodyKind::kNone});
  r.Add("PUT", "/v2/entities/{id}/attrs/{attr}/value",
        {UpdateAttributeValue, BodyKind::kJsonOrText});
  r.Add("GET", "/v2/types", {ListTypes, BodyKind::kNone});
  r.Add("GET", "/v2/types/{type}", {RetrieveType, BodyKind::kNone});
  r.Add("POST", "/v2/op/update", {BatchUpdate, BodyKind::kJson});
  r.Add("POST", "/v2/op/query", {BatchQuery, BodyKind::kJson});
  r.Add("POST", "/v2/op/notify", {NotifyEntities, BodyKind::kJson});
  r.Add("GET", "/v2/subscriptions", {ListSubscriptions, BodyKind::kNone});
  r.Add("POST", "/v2/subscriptions", {CreateSubscription, BodyKind::kJson});
  r.Add("GET", "/v2/subscriptions/{id}", {RetrieveSubscription, BodyKind::kNone});
  r.Add("DELETE", "/v2/subscriptions/{id}", {DeleteSubscription, BodyKind::kNone});
  r.Add("PATCH", "/v2/subscriptions/{id}", {UpdateSubscription, BodyKind::kJson});
}

constexpr std::string_view kKnownOptions[] = {
    "keyValues", "values",           "unique",       "count",          "append",
    "upsert",    "overrideMetadata", "forcedUpdate", "skipForwarding", "flowControl",
    "sysAttrs",  "normalized",       "noAttrDetail"};

std::string_view MediaType(std::string_view content_type) {
  const auto semi = content_type.find(';');
  auto mt = content_type.substr(0, semi);
  while (!mt.empty() && mt.back() == ' ') mt.remove_suffix(1);
  return mt;
}

bool AcceptsJson(std::optional<std::string_view> accept) {
  if (!accept || accept->empty()) return true;
  for (std::string_view ok : {"application/json", "*/*", "application/*", "text/plain", "text/*"}) {
    if (accept->find(ok) != std::string_view::npos) return true;
  }
  return false;
}

// Orion checks URL parameters for its forbidden characters, except those whose syntax
// needs them (q, mq, idPattern, typePattern; ';' in georel/coords; '=' in georel).
base::Result<void> CheckUrlParameters(const http::Request& request) {
  for (const auto& [key, value] : request.query) {
    if (value.empty()) {
      // Orion HTML-escapes the parameter name it echoes here.
      std::string escaped;
      for (char c : key) {
        if (c == '"')
          escaped += "&quot;";
        else if (c == '<')
          escaped += "&lt;";
        else if (c == '>')
          escaped += "&gt;";
        else if (c == '\'')
          escaped += "&#39;";
        else
          escaped.push_back(c);
      }
      return base::Unexpected{BadRequest("Empty right-hand-side for URI param /" + escaped + "/")};
    }
    if (key == "q" || key == "mq" || key == "idPattern" || key == "typePattern") continue;
    std::string_view v = value;
    std::string filtered;
    if (key == "georel" || key == "geometry" || key == "coords") {
      for (char c : v) {
        if (c != ';' && !(key != "coords" && c == '=')) filtered.push_back(c);
      }
      v = filtered;
    }
    if (HasForbiddenChars(key) || HasForbiddenChars(v)) {
      return base::Unexpected{BadRequest("invalid character in URI parameter")};
    }
  }
  return base::Ok();
}

}  // namespace

NgsiV2Api::NgsiV2Api(service::EntityService& entities, service::SubscriptionService& subscriptions,
                     ApiOptions options, const base::Clock& clock)
    : entities_(entities),
      subscriptions_(subscriptions),
      options_(std::move(options)),
      clock_(clock) {
  AddRoutes(router_);
}

http::HeaderList NgsiV2Api::CommonHeaders(const http::Request& request,
                                          const std::string& correlator) const {
  http::HeaderList headers{{"Fiware-Correlator", correlator}};
  if (options_.cors_origins.empty()) return headers;
  const auto origin = request.Header("Origin");
  if (!origin) return headers;
  const bool any = std::find(options_.cors_origins.begin(), options_.cors_origins.end(), "__ALL") !=
                   options_.cors_origins.end();
  const bool listed = std::find(options_.cors_origins.begin(), options_.cors_origins.end(),
                                *origin) != options_.cors_origins.end();
  if (!any && !listed) return headers;
  headers.emplace_back("Access-Control-Allow-Origin", any ? "*" : std::string(*origin));
  headers.emplace_back("Access-Control-Expose-Headers",
                       "Fiware-Correlator, Fiware-Total-Count, Location");
  return headers;
}

std::string NgsiV2Api::AllowedMethods(const http::Router<Route>::Match& match) const {
  std::string allow;
  for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
  // With CORS enabled, OPTIONS is served on every path (Orion -corsOrigin).
  if (!options_.cors_origins.empty()) allow += ", OPTIONS";
  return allow;
}

void NgsiV2Api::Preflight(const http::Request& request, const http::Router<Route>::Match& match,
                          const Reply& reply) const {
  http::HeaderList extra;
  if (!options_.cors_origins.empty() && request.Header("Origin")) {
    // Orion's preflight lists GET first, then the path's other methods, then OPTIONS.
    std::string methods;
    auto add = [&](const std::string& m) { methods += (methods.empty() ? "" : ", ") + m; };
    for (const auto& m : match.allowed_methods) {
      if (m == "GET") add(m);
    }
    for (const auto& m : match.allowed_methods) {
      if (m != "GET") add(m);
    }
    add("OPTIONS");
    extra.emplace_back("Access-Control-Allow-Methods", methods);
    extra.emplace_back("Access-Control-Allow-Headers",
                       "Content-Type, Fiware-Service, Fiware-Servicepath, Ngsiv2-AttrsFormat, "
                       "Fiware-Correlator, X-Forwarded-For, X-Real-IP, X-Auth-Token, "
                       "Authorization");
    extra.emplace_back("Access-Control-Max-Age", std::to_string(options_.cors_max_age));
  }
  reply.Empty(200, std::move(extra));
}

// Orion drops one trailing '/' and then routes "/v2/entities/" with an empty id, so
// "/v2/entities//" reports the zero-length id instead of an unknown URL (Orion functional test
// 1426 double_slash_at_end_of_path); with more slashes, or a literal last component, the URL
// is unknown.
std::optional<std::string> NgsiV2Api::EmptyLastComponentError(std::string_view method,
                                                              std::string_view path) const {
  if (!path.ends_with("//") || path.ends_with("///")) return std::nullopt;
  std::string probe(path.substr(0, path.size() - 1));
  probe += '-';  // stands for the empty component; only its position is looked at
  const auto match = router_.Find(method, probe);
  if (match.route == nullptr || match.params.empty()) return std::nullopt;
  const std::string& name = match.params.back().first;
  if (path.starts_with("/v2/subscriptions/")) {
    return "Invalid subscription ID: bad length - 24 chars expected";
  }
  if (name == "id") return "entity id length: 0, min length supported: 1";
  if (name == "attr") return "attribute name length: 0, min length supported: 1";
  if (name == "type") return "entity type length: 0, min length supported: 1";
  return std::nullopt;
}

void NgsiV2Api::Handle(http::Request&& request, const http::Responder& responder) {
  std::string correlator = correlators_.ForRequest(request.Header("Fiware-Correlator"));
  // A client that takes text/plain but not JSON gets its errors as text/plain (Orion).
  const auto accept = request.Header("Accept");
  const bool text_only = accept && !accept->empty() &&
                         accept->find("application/json") == std::string_view::npos &&
                         accept->find("*/*") == std::string_view::npos &&
                         accept->find("application/*") == std::string_view::npos &&
                         (accept->find("text/plain") != std::string_view::npos ||
                          accept->find("text/*") != std::string_view::npos);
  const Reply reply(responder, CommonHeaders(request, correlator), text_only ? "text/plain" : "");

  if (request.plain_http_refused) {
    // docs/tls.md: an error, not a redirect (municipal-context.md §1.5); nothing is read or
    // changed, and the server closes the connection after this answer.
    // 403: understood and refused over this transport (RFC 9110 §15.5.4).
    boost::json::object body;
    body["error"] = "Forbidden";
    body["description"] = std::string(kPlainHttpRefused);
    return reply.Json(403, body);
  }
  if (request.body_too_large) {
    http::Response r;
    r.status = 413;
    r.close = true;
    r.headers.emplace_back("Content-Type", "application/json");
    const auto length = request.Header("Content-Length").value_or("unknown");
    r.body = R"({"error":"RequestEntityTooLarge","description":"payload size: )" +
             std::string(length) + ", max size supported: " + std::to_string(1024 * 1024) + "\"}";
    return reply.Send(std::move(r));
  }
  if (request.path.find_first_of("<>\"'=;()") != std::string::npos) {
    return reply.Error(BadRequest("invalid character in URI"));
  }
  // Orion refuses a body-carrying method without a payload before it looks at the route.
  const bool carries_body =
      request.method == "POST" || request.method == "PUT" || request.method == "PATCH";
  if (carries_body && ((!request.has_content_length && !request.chunked) || request.body.empty())) {
    return reply.Error({ErrorCode::kLengthRequired, "ContentLengthRequired",
                        "Zero/No Content-Length in PUT/POST/PATCH request"});
  }
  auto match = router_.Find(request.method, request.path);
  if (match.route == nullptr) {
    if (match.path_known && request.method == "OPTIONS") return Preflight(request, match, reply);
    if (match.path_known) {
      return reply.Error({ErrorCode::kMethodNotAllowed, "MethodNotAllowed", "method not allowed"},
                         {{"Allow", AllowedMethods(match)}});
    }
    if (auto empty = EmptyLastComponentError(request.method, request.path)) {
      return reply.Error(BadRequest(std::move(*empty)));
    }
    return reply.Error(BadRequest("Service not found. Check your URL as probably it is wrong."));
  }
  const Route& route = *match.route;

  // Payload checks, in Orion's order: length, content type, accept.
  const auto content_type = request.Header("Content-Type");
  if (route.body != BodyKind::kNone) {
    const auto media = MediaType(content_type.value_or(""));
    const bool ok = media == "application/json" ||
                    (route.body == BodyKind::kJsonOrText && media == "text/plain");
    if (!content_type) {
      return reply.Error(
          {ErrorCode::kUnsupportedMediaType, "UnsupportedMediaType",
           "Content-Type header not used, default application/octet-stream is not supported"});
    }
    if (!ok) {
      return reply.Error({ErrorCode::kUnsupportedMediaType, "UnsupportedMediaType",
                          "not supported content type: " + std::string(content_type.value_or(""))});
    }
  } else if (content_type && request.body.empty() &&
             (request.method == "GET" || request.method == "DELETE")) {
    // Orion refuses the Content-Type of a GET/DELETE only without a payload (rest.cpp checks
    // contentLength == 0); a payload sent along is ignored (case 3842 per_sub_httpTimeout_crud
    // deletes a subscription with its JSON still attached: 204).
    return reply.Error(BadRequest(
        "Orion accepts no payload for GET/DELETE requests. HTTP header Content-Type is thus "
        "forbidden"));
  }
  if (!AcceptsJson(request.Header("Accept"))) {
    return reply.Error(
        {ErrorCode::kNotAcceptable, "NotAcceptable", "no acceptable mime-type in accept header"});
  }
  if (auto r = CheckUrlParameters(request); !r) return reply.Error(r.error());

  Call call;
  call.path = std::move(match.params);
  for (const auto& [name, value] : call.path) {
    if (name == "attr" && route.handler_checks_attr_name) continue;
    // Path segments are identifiers: Orion's identifier rules apply (no & ? / # or blanks).
    if (!ValidateIdentifier(value, "URI").has_value()) {
      return reply.Error(BadRequest("invalid character in URI"));
    }
  }
  if (auto opts = request.Param("options")) {
    for (auto& o : SplitList(*opts)) {
      if (std::find(std::begin(kKnownOptions), std::end(kKnownOptions), o) ==
          std::end(kKnownOptions)) {
        return reply.Error(BadRequest("Invalid value for URI param /options/"));
      }
      call.options.insert(std::move(o));
    }
    const int formats = (call.Option("keyValues") ? 1 : 0) + (call.Option("values") ? 1 : 0) +
                        (call.Option("unique") ? 1 : 0);
    if (formats > 1) return reply.Error(BadRequest("Invalid value for URI param /options/"));
  }
  // A query sent by POST (op/query) reads; a subscription's ServicePath is a query scope
  // (Orion "Service path in subscriptions and registrations"), so `#` and lists are allowed.
  const auto use = (request.method == "POST" && request.path.starts_with("/v2/op/query")) ||
                           request.path.starts_with("/v2/subscriptions")
                       ? common::ServicePathUse::kRead
                       : common::ServicePathUseFor(request.method);
  auto ctx = common::BuildRequestContext(request.Header("Fiware-Service"),
                                         request.Header("Fiware-ServicePath"), use,
                                         std::move(correlator), clock_.Now());
  if (!ctx) return reply.Error(ctx.error());
  if (auto authenticated =
          common::AuthenticateRequest(options_.authenticator, options_.rate_limiter, request, *ctx);
      !authenticated) {
    return reply.Error(authenticated.error());
  }
  call.ctx = std::move(*ctx);
  call.request = std::move(request);
  const Deps deps{entities_, subscriptions_, options_};
  route.handler(deps, call, reply);
}

}  // namespace renkei::api::ngsiv2
