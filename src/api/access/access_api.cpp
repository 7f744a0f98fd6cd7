#include "api/access/access_api.hpp"

#include <boost/json.hpp>

#include "api/common/admin_request.hpp"
#include "api/common/problem_details.hpp"
#include "auth/policy_json.hpp"

namespace renkei::api::access {
namespace {

namespace json = boost::json;
using common::ProblemResponse;

// ProblemResponse adds WWW-Authenticate to a 401 itself.
http::Response Problem(const base::Error& error, const std::string& instance) {
  return ProblemResponse(error, instance);
}

http::Response JsonResponse(unsigned status, std::string body) {
  http::Response response;
  response.status = status;
  response.Set("Content-Type", "application/json");
  response.body = std::move(body);
  return response;
}

json::value TimeOrNull(const std::optional<base::Timestamp>& time) {
  if (!time) return nullptr;
  return json::value(base::FormatIso8601(*time));
}

json::object KeyJson(const store::ApiKeyRecord& record) {
  json::array roles;
  for (const auto& role : record.roles) roles.emplace_back(role);
  json::object out;
  out["id"] = record.key_id;
  out["app"] = record.app;
  out["roles"] = std::move(roles);
  out["createdAt"] = base::FormatIso8601(record.created_at);
  out["lastUsedAt"] = TimeOrNull(record.last_used_at);
  out["revokedAt"] = TimeOrNull(record.revoked_at);
  return out;
}

base::Unexpected BadKeyRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidApiKeyRequest", std::move(detail));
}

// {"roles": ["reader"], "app": "bus-app"}: roles required, app optional.
base::Result<service::ApiKeyRequest> ParseKeyRequest(std::string_view body) {
  boost::system::error_code ec;
  const json::value document = json::parse(body, ec);
  if (ec || !document.is_object()) return BadKeyRequest("the body must be a JSON object");
  service::ApiKeyRequest out;
  for (const auto& [key, member] : document.get_object()) {
    if (key == "roles") {
      if (!member.is_array()) return BadKeyRequest("roles must be an array of strings");
      for (const auto& role : member.get_array()) {
        if (!role.is_string()) return BadKeyRequest("roles must be an array of strings");
        out.roles.emplace_back(role.get_string());
      }
    } else if (key == "app") {
      if (!member.is_string()) return BadKeyRequest("app must be a string");
      out.app = std::string(member.get_string());
    } else {
      return BadKeyRequest("unknown member '" + std::string(key) + "' (roles, app)");
    }
  }
  return out;
}

}  // namespace

void AccessAdminApi::Handle(http::Request&& request, const http::Responder& responder) {
  // /admin/v1/tenants/{tenant}/{apikeys[/{id}] | policies}
  std::string_view rest = std::string_view(request.path).substr(kTenantsPathPrefix.size());
  const auto slash = rest.find('/');
  const std::string_view tenant_text = rest.substr(0, slash);
  const std::string_view resource =
      slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  const auto not_found = [&] {
    responder(Problem(base::MakeError(base::ErrorCode::kResourceNotFound, "NotFound",
                                      "no admin resource at " + request.path),
                      request.path));
  };
  // The default tenant "" is named "-" in a path (a path segment cannot be empty).
  const std::string_view tenant_name = tenant_text == "-" ? std::string_view() : tenant_text;
  if (tenant_text.empty()) return not_found();
  auto ctx = common::BeginAdminRequest(
      request, tenant_name, correlators_.ForRequest(request.Header("Fiware-Correlator")),
      clock_.Now(), {authenticator_, rate_limiter_, kMaxAccessBodyBytes});
  if (!ctx) return responder(Problem(ctx.error(), request.path));
  if (resource == "apikeys") return HandleKeys(request, *ctx, {}, responder);
  if (resource.starts_with("apikeys/") && resource.size() > 8 &&
      resource.find('/', 8) == std::string_view::npos) {
    return HandleKeys(request, *ctx, resource.substr(8), responder);
  }
  if (resource == "policies") return HandlePolicies(request, *ctx, responder);
  not_found();
}

void AccessAdminApi::HandleKeys(const http::Request& request, const service::RequestContext& ctx,
                                std::string_view key_id, const http::Responder& responder) {
  const std::string instance = request.path;
  if (!key_id.empty()) {
    if (request.method != "DELETE") return responder(common::MethodNotAllowed(request, "DELETE"));
    return keys_.Revoke(ctx, std::string(key_id), [responder, instance](base::Result<void> r) {
      if (!r) return responder(Problem(r.error(), instance));
      http::Response response;
      response.status = 204;
      responder(std::move(response));
    });
  }
  if (request.method == "GET") {
    auto keys = keys_.List(ctx);
    if (!keys) return responder(Problem(keys.error(), instance));
    json::array out;
    for (const auto& record : *keys) out.emplace_back(KeyJson(record));
    return responder(JsonResponse(200, json::serialize(out)));
  }
  if (request.method != "POST") return responder(common::MethodNotAllowed(request, "GET, POST"));
  auto parsed = ParseKeyRequest(request.body);
  if (!parsed) return responder(Problem(parsed.error(), instance));
  keys_.Issue(ctx, std::move(*parsed),
              [responder, instance](base::Result<service::IssuedApiKey> issued) {
                if (!issued) return responder(Problem(issued.error(), instance));
                json::object out = KeyJson(issued->record);
                // The only time the key is shown: the store has its hash alone.
                out["key"] = issued->text;
                auto response = JsonResponse(201, json::serialize(out));
                response.Set("Location", instance + "/" + issued->record.key_id);
                response.Set("Cache-Control", "no-store");
                responder(std::move(response));
              });
}

void AccessAdminApi::HandlePolicies(const http::Request& request,
                                    const service::RequestContext& ctx,
                                    const http::Responder& responder) {
  const std::string instance = request.path;
  if (request.method == "GET") {
    auto policy = policies_.Get(ctx);
    if (!policy) return responder(Problem(policy.error(), instance));
    return responder(JsonResponse(200, auth::PolicyJson(**policy)));
  }
  if (request.method != "PUT") return responder(common::MethodNotAllowed(request, "GET, PUT"));
  policies_.Replace(ctx, request.body,
                    [responder, instance](base::Result<std::shared_ptr<const auth::Policy>> r) {
                      if (!r) return responder(Problem(r.error(), instance));
                      responder(JsonResponse(200, auth::PolicyJson(**r)));
                    });
}

}  // namespace renkei::api::access
