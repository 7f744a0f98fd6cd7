#include "api/ngsild/ngsild_api.hpp"

#include "api/common/plain_http.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"
#include "api/ngsild/handlers.hpp"
#include "api/ngsild/ld_negotiation.hpp"
#include "core/json_parse.hpp"
#include "core/jsonld/core_context.hpp"
#include "core/jsonld/iri.hpp"
#include "http/request_target.hpp"

namespace renkei::api::ngsild {
namespace {

namespace json = boost::json;
using base::ErrorCode;

// The route table (NGSI-LD 1.8 §6.1, Table 6.1-1), with each route's query parameters.
void AddRoutes(http::Router<LdRoute>& r) {
  namespace p = ld_parameters;
  const LdParameters local_only{p::kLocalOnly, {}};
  const LdParameters read{p::kRetrieveNames, p::kReadOptions};
  r.Add("POST", "/ngsi-ld/v1/entities", {CreateEntity, LdBody::kJson, local_only});
  r.Add("GET", "/ngsi-ld/v1/entities",
        {QueryEntities, LdBody::kNone, {p::kQueryNames, p::kReadOptions}, true});
  r.Add("DELETE", "/ngsi-ld/v1/entities", {PurgeEntities, LdBody::kNone, {p::kPurgeNames, {}}});
  r.Add("GET", "/ngsi-ld/v1/entities/{id}", {RetrieveEntity, LdBody::kNone, read, true});
  r.Add("PUT", "/ngsi-ld/v1/entities/{id}", {ReplaceEntity, LdBody::kJson, local_only});
  r.Add("PATCH", "/ngsi-ld/v1/entities/{id}", {MergeEntity, LdBody::kJson, local_only});
  r.Add("DELETE", "/ngsi-ld/v1/entities/{id}", {DeleteEntity, LdBody::kNone, local_only});
  r.Add("POST", "/ngsi-ld/v1/entities/{id}/attrs",
        {AppendAttributes, LdBody::kJson, {p::kOptionsNames, p::kNoOverwrite}});
  r.Add("PATCH", "/ngsi-ld/v1/entities/{id}/attrs", {UpdateAttributes, LdBody::kJson, local_only});
  r.Add("PATCH", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
        {PatchAttribute, LdBody::kJson, local_only});
  r.Add("PUT", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
        {ReplaceAttribute, LdBody::kJson, local_only});
  r.Add("DELETE", "/ngsi-ld/v1/entities/{id}/attrs/{attr}",
        {DeleteAttribute, LdBody::kNone, {p::kDeleteAttributeNames, {}}});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/create",
        {BatchCreate, LdBody::kJsonArray, local_only});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/upsert",
        {BatchUpsert, LdBody::kJsonArray, {p::kOptionsNames, p::kUpsertOptions}});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/update",
        {BatchUpdate, LdBody::kJsonArray, {p::kOptionsNames, p::kNoOverwrite}});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/delete",
        {BatchDelete, LdBody::kJsonArray, local_only});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/merge", {BatchMerge, LdBody::kJsonArray, local_only});
  r.Add("POST", "/ngsi-ld/v1/entityOperations/query",
        {QueryEntitiesPost, LdBody::kJson, {p::kQueryPostNames, p::kReadOptions}, true});
  const LdParameters discovery_list{p::kDiscoveryListNames, {}};
  r.Add("GET", "/ngsi-ld/v1/types", {ListTypes, LdBody::kNone, discovery_list});
  r.Add("GET", "/ngsi-ld/v1/types/{type}", {RetrieveType, LdBody::kNone, local_only});
  r.Add("GET", "/ngsi-ld/v1/attributes", {ListAttributes, LdBody::kNone, discovery_list});
  r.Add("GET", "/ngsi-ld/v1/attributes/{attr}", {RetrieveAttributeInfo, LdBody::kNone, local_only});
  r.Add("POST", "/ngsi-ld/v1/subscriptions", {CreateSubscription, LdBody::kJson, local_only});
  r.Add("GET", "/ngsi-ld/v1/subscriptions",
        {QuerySubscriptions, LdBody::kNone, {p::kSubscriptionListNames, {}}});
  r.Add("GET", "/ngsi-ld/v1/subscriptions/{id}", {RetrieveSubscription, LdBody::kNone, local_only});
  r.Add("PATCH", "/ngsi-ld/v1/subscriptions/{id}", {UpdateSubscription, LdBody::kJson, local_only});
  r.Add("DELETE", "/ngsi-ld/v1/subscriptions/{id}",
        {DeleteSubscription, LdBody::kNone, local_only});
  // §6.29, §6.30: a contextId may be a Cached context's original URL, percent-encoded. These
  // routes neither use nor count a user @context (request_context false).
  const LdParameters context_list{p::kContextListNames, {}};
  const LdParameters context_serve{p::kContextServeNames, {}};
  const LdParameters context_delete{p::kContextDeleteNames, {}};
  r.Add("POST", "/ngsi-ld/v1/jsonldContexts",
        {AddContext, LdBody::kContextDocument, local_only, false, false});
  r.Add("GET", "/ngsi-ld/v1/jsonldContexts",
        {ListContexts, LdBody::kNone, context_list, false, false});
  r.Add("DELETE", "/ngsi-ld/v1/jsonldContexts",
        {DeleteContextWithoutId, LdBody::kNone, context_delete, false, false});
  r.Add("GET", "/ngsi-ld/v1/jsonldContexts/{contextId*}",
        {ServeContext, LdBody::kNone, context_serve, false, false});
  r.Add("DELETE", "/ngsi-ld/v1/jsonldContexts/{contextId*}",
        {DeleteContext, LdBody::kNone, context_delete, false, false});
}

constexpr std::string_view kContextRel = "http://www.w3.org/ns/json-ld#context";

base::Unexpected Fail(ErrorCode code, std::string detail) {
  return base::Fail(code, "", std::move(detail));
}

// The URL of a `Link: <url>; rel="http://www.w3.org/ns/json-ld#context"` header (§6.3.5).
base::Result<std::optional<std::string>> LinkedContext(std::optional<std::string_view> link) {
  if (!link) return std::optional<std::string>{};
  if (link->find(kContextRel) == std::string_view::npos) return std::optional<std::string>{};
  const auto open = link->find('<');
  const auto close = link->find('>');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open + 2) {
    return Fail(ErrorCode::kBadRequestData, "invalid Link header: " + std::string(*link));
  }
  return std::optional<std::string>{std::string(link->substr(open + 1, close - open - 1))};
}

// Fills call.body and returns the request's user @context (null: none), per §6.3.5.
base::Result<json::value> ReadBodyAndContext(LdCall& call, const LdRoute& route) {
  const auto& request = call.request;
  RENKEI_TRY(auto link, LinkedContext(request.Header("Link")));
  if (route.body == LdBody::kNone) {
    return link ? json::value(json::string(*link)) : json::value(nullptr);
  }
  const auto media = MediaTypeOf(request.Header("Content-Type").value_or(""));
  const bool ld_json = media == "application/ld+json";
  const bool merge_patch = media == "application/merge-patch+json" && request.method == "PATCH";
  if (!ld_json && media != "application/json" && !merge_patch) {
    return Fail(ErrorCode::kUnsupportedMediaType,
                "unsupported Content-Type: " +
                    std::string(request.Header("Content-Type").value_or("(none)")));
  }
  if (request.body.empty()) return Fail(ErrorCode::kInvalidRequest, "the request has no body");
  json::error_code ec;
  call.body = core::ParseJson(request.body, ec);
  if (ec) return Fail(ErrorCode::kInvalidRequest, "invalid JSON: " + ec.message());
  if (route.body == LdBody::kContextDocument) return json::value(nullptr);
  if (route.body == LdBody::kJsonArray) {
    // §6.14.3.1 ff.: batch payloads are arrays; with application/ld+json each element carries
    // its @context (checked per entity by the handler) and no Link header is allowed.
    if (!call.body.is_array()) {
      return Fail(ErrorCode::kInvalidRequest, "the payload must be a JSON array");
    }
    if (ld_json && link) {
      return Fail(ErrorCode::kBadRequestData, "Link header with application/ld+json");
    }
    return link ? json::value(json::string(*link)) : json::value(nullptr);
  }
  // §5.5.2: JSON of the wrong shape for the operation is a malformed request (InvalidRequest,
  // as for invalid JSON); BadRequestData is for well-formed payloads with wrong data.
  if (!call.body.is_object()) {
    return Fail(ErrorCode::kInvalidRequest, "the payload must be a JSON object");
  }
  auto& object = call.body.get_object();
  if (ld_json) {
    // §6.3.5: with application/ld+json the @context is in the body and no Link is allowed.
    if (link) return Fail(ErrorCode::kBadRequestData, "Link header with application/ld+json");
    const auto* context = object.if_contains("@context");
    if (context == nullptr) {
      return Fail(ErrorCode::kBadRequestData, "application/ld+json payload without @context");
    }
    return *context;
  }
  if (object.contains("@context")) {
    return Fail(ErrorCode::kBadRequestData, "@context in an application/json payload");
  }
  return link ? json::value(json::string(*link)) : json::value(nullptr);
}

// JSON-LD 1.1 API §4.1.2 step 5.2.1: a context reference is resolved against the base IRI,
// for a request body the request's own URL. Only path-absolute references ("/ngsi-ld/v1/
// jsonldContexts/{id}", the Location this broker gives for hosted contexts) are resolved; the
// scheme is taken as http, since a proxy in front may not say.
json::value WithAbsoluteContextRefs(json::value user_context,
                                    std::optional<std::string_view> host) {
  if (!host || host->empty()) return user_context;
  auto absolute = [&](json::value& ref) {
    auto* text = ref.if_string();
    if (text == nullptr || !text->starts_with("/") || text->starts_with("//")) return;
    *text = "http://" + std::string(*host) + std::string(*text);
  };
  if (auto* items = user_context.if_array()) {
    for (auto& item : *items) absolute(item);
  } else {
    absolute(user_context);
  }
  return user_context;
}

// NGSI-LD 1.8.1 §4.5.1, §6.5–§6.7: the {id} of /entities/{id}/... is a URI; a missing id
// (`/entities//attrs`, or PUT/PATCH on the collection) is BadRequestData too, not an unknown
// resource or a wrong method.
base::Result<void> CheckEntityIdInPath(std::string_view method, std::string_view path,
                                       const http::Router<LdRoute>::Match& match) {
  constexpr std::string_view kCollection = "/ngsi-ld/v1/entities";
  if (!path.starts_with(kCollection)) return base::Ok();
  std::string_view rest = path.substr(kCollection.size());
  while (rest.ends_with('/')) rest.remove_suffix(1);
  const bool on_collection = rest.empty();
  if (on_collection && (method == "PUT" || method == "PATCH")) {
    return base::Fail(ErrorCode::kBadRequestData, "BadRequestData", "the entity id is missing");
  }
  if (rest.starts_with("//")) {
    return base::Fail(ErrorCode::kBadRequestData, "BadRequestData", "the entity id is missing");
  }
  if (match.route == nullptr && !match.path_known) return base::Ok();
  const std::string id = common::FindPathParam(match.params, "id");
  if (!id.empty() && !core::jsonld::IsAbsoluteIri(id)) {
    return base::Fail(ErrorCode::kBadRequestData, "BadRequestData",
                      "entity id '" + id + "' is not a URI");
  }
  return base::Ok();
}

// NGSI-LD 1.8 §5.6, §6.7.3: a write addresses its attribute by a name, so a keyword form
// (`@…`) is BadRequestData, not ResourceNotFound. (Entity ids: CheckEntityIdInPath.)
base::Result<void> CheckWriteTarget(const LdCall& call) {
  if (call.request.method == "GET") return base::Ok();
  const std::string attr = call.PathParam("attr");
  if (!attr.empty() && (core::jsonld::HasKeywordForm(attr) || core::jsonld::IsKeyword(attr))) {
    return Fail(ErrorCode::kBadRequestData, "attribute name " + attr + " is not a name");
  }
  return base::Ok();
}

}  // namespace

NgsiLdApi::NgsiLdApi(service::EntityService& entities, service::SubscriptionService& subscriptions,
                     store::HostedContextStore& hosted_contexts, LdApiOptions options,
                     const base::Clock& clock)
    : entities_(entities),
      subscriptions_(subscriptions),
      options_(options),
      clock_(clock),
      http_fetcher_(options.context_timeout),
      fetcher_(options.context_mirror_dir, http_fetcher_),
      catalog_(fetcher_, hosted_contexts, clock, options.contexts),
      contexts_(catalog_) {
  AddRoutes(router_);
}

void NgsiLdApi::Handle(http::Request&& request, const http::Responder& responder) {
  std::string correlator = correlators_.ForRequest(request.Header("Fiware-Correlator"));
  const std::string core_url(core::jsonld::kCoreContextUrl);
  http::HeaderList common{{"Fiware-Correlator", correlator}};
  LdReply plain(responder, common, {LdMediaType::kJson, core_url, json::string(core_url)});

  if (request.plain_http_refused) {
    // docs/tls.md: an error, not a redirect; the server closes the connection after it.
    // 403 (RFC 9110 §15.5.4); §5.5.2 has no type for it, so like the other HTTP-level
    // refusals it is an InvalidRequest, titled with the HTTP meaning.
    // §6.3.2: ProblemDetails are sent as application/json.
    return plain.Json(403, ProblemJson({ErrorCode::kInvalidRequest, "Forbidden",
                                        std::string(kPlainHttpRefused)}));
  }
  if (request.body_too_large) {
    return plain.Error({ErrorCode::kPayloadTooLarge, "", "the payload is too large"},
                       {{"Connection", "close"}});
  }
  // Routing on the path as sent keeps an encoded '/' inside its segment: a type, attribute or
  // entity id may be a full IRI (§6.26, §6.28, §6.5: "https%3A%2F%2F...").
  const std::string_view target(request.target);
  auto match = target.starts_with('/')
                   ? router_.FindEncoded(request.method, target.substr(0, target.find('?')))
                   : router_.Find(request.method, request.path);
  if (auto bad = CheckEntityIdInPath(request.method, request.path, match); !bad) {
    return plain.Error(bad.error());
  }
  if (match.route == nullptr) {
    if (match.path_known) {
      std::string allow;
      for (const auto& m : match.allowed_methods) allow += (allow.empty() ? "" : ", ") + m;
      return plain.Error({ErrorCode::kMethodNotAllowed, "", "method not allowed"},
                         {{"Allow", allow}});
    }
    return plain.Error(
        {ErrorCode::kInvalidRequest, "", "no such resource: " + std::string(request.path)});
  }
  const LdRoute& route = *match.route;
  // NGSI-LD clients (Python requests, Java servlets, the ETSI suite) form-encode query
  // strings: a '+' is a space there, unlike in Orion's NGSIv2 (http/request_target.hpp).
  // Only a raw '+' in the query decodes differently, so most requests keep the first parse.
  if (const auto qmark = request.target.find('?');
      qmark != std::string::npos && request.target.find('+', qmark) != std::string::npos) {
    std::string form_path;
    http::ParseRequestTarget(request.target, form_path, request.query, http::QueryPlus::kSpace);
  }
  LdCall call;
  call.request = std::move(request);
  call.path = std::move(match.params);

  auto media = Negotiate(call.request.Header("Accept"), route.geo_json);
  if (!media) return plain.Error(media.error());
  // Before the body: a request with an unknown parameter is wrong whatever its payload.
  if (auto r = CheckQueryParameters(call.request.query, route.params, call.options); !r) {
    return plain.Error(r.error());
  }
  // NGSI-LD 1.8 §6.3.14: NGSILD-Tenant; IoT agents also send Fiware-Service (same tenants).
  auto tenant_header = call.request.Header("NGSILD-Tenant");
  if (!tenant_header) tenant_header = call.request.Header("Fiware-Service");
  // Authentication comes before the body and its @context, so that an unauthenticated caller
  // cannot make the broker fetch remote documents (docs/security.md). A malformed tenant is
  // reported below, in its usual place.
  service::RequestContext probe;
  if (auto tenant = common::ParseTenant(tenant_header)) {
    probe.tenant = std::move(*tenant);
    probe.now = clock_.Now();
    if (auto authenticated = common::AuthenticateRequest(
            options_.authenticator, options_.rate_limiter, call.request, probe);
        !authenticated) {
      return plain.Error(authenticated.error());
    }
  }
  auto user_context = ReadBodyAndContext(call, route);
  if (!user_context) return plain.Error(user_context.error());
  if (!route.request_context) *user_context = nullptr;
  *user_context = WithAbsoluteContextRefs(std::move(*user_context), call.request.Header("Host"));
  auto context = contexts_.Resolve(*user_context);
  if (!context) return plain.Error(context.error());
  call.context = std::move(*context);
  ResponseContext response_context{*media, core_url, json::string(core_url)};
  if (user_context->is_string()) response_context.link_url = user_context->get_string();
  if (!user_context->is_null()) response_context.inline_context = *user_context;
  const LdReply reply(responder, std::move(common), std::move(response_context));

  if (auto r = CheckWriteTarget(call); !r) return reply.Error(r.error());
  auto ctx = common::BuildRequestContext(tenant_header, call.request.Header("Fiware-ServicePath"),
                                         common::ServicePathUseFor(call.request.method),
                                         std::move(correlator), clock_.Now());
  if (!ctx) return reply.Error(ctx.error());
  call.ctx = std::move(*ctx);
  common::MoveAuthentication(probe, call.ctx);
  const LdDeps deps{entities_, options_, contexts_, catalog_, subscriptions_};
  route.handler(deps, call, reply);
}

}  // namespace renkei::api::ngsild
