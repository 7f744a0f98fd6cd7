#include "api/consent/consent_api.hpp"

#include <boost/json.hpp>

#include "api/common/admin_request.hpp"
#include "api/common/problem_details.hpp"
#include "api/consent/consent_json.hpp"

namespace renkei::api::consent {
namespace {

namespace json = boost::json;
using common::ProblemResponse;

constexpr std::string_view kTenantsPrefix = "/admin/v1/tenants/";
constexpr std::string_view kTenantConsents = "/consents";

std::string_view WithoutTrailingSlash(std::string_view path) {
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  return path;
}

// The {t} of /admin/v1/tenants/{t}/consents; nullopt for any other path.
std::optional<std::string_view> TenantOfPath(std::string_view path) {
  path = WithoutTrailingSlash(path);
  if (!path.starts_with(kTenantsPrefix) || !path.ends_with(kTenantConsents)) return std::nullopt;
  const std::string_view tenant = path.substr(
      kTenantsPrefix.size(), path.size() - kTenantsPrefix.size() - kTenantConsents.size());
  if (tenant.empty() || tenant.find('/') != std::string_view::npos) return std::nullopt;
  return tenant;
}

http::Response ListResponse(const std::vector<store::ConsentRecord>& records) {
  json::array out;
  for (const auto& record : records) out.emplace_back(ConsentJson(record));
  http::Response response;
  response.status = 200;
  response.Set("Content-Type", "application/json");
  response.body = json::serialize(out);
  return response;
}

base::Unexpected BadRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

// ?all=true|false, and ?resident= where allowed.
struct ListParameters {
  bool all = false;
  std::optional<std::string> resident;
};
base::Result<ListParameters> ParseListParameters(const http::Request& request,
                                                 bool resident_allowed) {
  ListParameters out;
  for (const auto& [name, value] : request.query) {
    if (name == "all") {
      if (value != "true" && value != "false") return BadRequest("'all' is true or false");
      out.all = value == "true";
    } else if (name == "resident" && resident_allowed) {
      out.resident = value;
    } else {
      return BadRequest("unknown query parameter '" + name +
                        "' (allowed: " + (resident_allowed ? "resident, all)" : "all)"));
    }
  }
  return out;
}

}  // namespace

bool ConsentApi::Serves(std::string_view path) {
  path = WithoutTrailingSlash(path);
  if (path == kMyConsentsPath) return true;
  if (path.starts_with(kMyConsentsPath) && path.size() > kMyConsentsPath.size() &&
      path[kMyConsentsPath.size()] == '/') {
    return true;
  }
  return TenantOfPath(path).has_value();
}

void ConsentApi::Handle(http::Request&& request, const http::Responder& responder) {
  const std::string instance = request.path;
  const auto fail = [&](const base::Error& error) { responder(ProblemResponse(error, instance)); };
  const std::string_view path = WithoutTrailingSlash(request.path);
  const auto path_tenant = TenantOfPath(path);
  std::optional<std::string_view> tenant_header;
  if (path_tenant) {
    // The default tenant "" is named "-" in a path, as in api/access.
    tenant_header = *path_tenant == "-" ? std::string_view() : *path_tenant;
  } else {
    tenant_header = request.Header("Fiware-Service");
    if (!tenant_header) tenant_header = request.Header("NGSILD-Tenant");
  }
  auto ctx = common::BeginAdminRequest(
      request, tenant_header, correlators_.ForRequest(request.Header("Fiware-Correlator")),
      clock_.Now(), {authenticator_, rate_limiter_, kMaxConsentBodyBytes});
  if (!ctx) return fail(ctx.error());
  if (path_tenant) return HandleTenant(request, *ctx, responder);
  std::string_view id;
  if (path.size() > kMyConsentsPath.size()) id = path.substr(kMyConsentsPath.size() + 1);
  if (id.find('/') != std::string_view::npos) {
    return fail(base::MakeError(base::ErrorCode::kResourceNotFound, "NotFound",
                                "no consent resource at " + request.path));
  }
  HandleOwn(request, *ctx, id, responder);
}

void ConsentApi::HandleOwn(const http::Request& request, const service::RequestContext& ctx,
                           std::string_view id, const http::Responder& responder) {
  const std::string instance = request.path;
  if (!id.empty()) {
    if (request.method != "DELETE") return responder(common::MethodNotAllowed(request, "DELETE"));
    return consents_.Revoke(ctx, std::string(id), [responder, instance](base::Result<void> r) {
      if (!r) return responder(ProblemResponse(r.error(), instance));
      http::Response response;
      response.status = 204;
      responder(std::move(response));
    });
  }
  if (request.method == "GET") {
    auto parameters = ParseListParameters(request, false);
    if (!parameters) return responder(ProblemResponse(parameters.error(), instance));
    auto records = consents_.ListOwn(ctx, parameters->all);
    if (!records) return responder(ProblemResponse(records.error(), instance));
    return responder(ListResponse(*records));
  }
  if (request.method != "POST") return responder(common::MethodNotAllowed(request, "GET, POST"));
  auto parsed = ParseConsentRequest(request.body);
  if (!parsed) return responder(ProblemResponse(parsed.error(), instance));
  consents_.Grant(ctx, std::move(*parsed),
                  [responder, instance](base::Result<store::ConsentRecord> granted) {
                    if (!granted) return responder(ProblemResponse(granted.error(), instance));
                    http::Response response;
                    response.status = 201;
                    response.Set("Content-Type", "application/json");
                    response.Set("Location", std::string(kMyConsentsPath) + "/" + granted->id);
                    response.body = json::serialize(ConsentJson(*granted));
                    responder(std::move(response));
                  });
}

void ConsentApi::HandleTenant(const http::Request& request, const service::RequestContext& ctx,
                              const http::Responder& responder) {
  const std::string instance = request.path;
  if (request.method != "GET") return responder(common::MethodNotAllowed(request, "GET"));
  auto parameters = ParseListParameters(request, true);
  if (!parameters) return responder(ProblemResponse(parameters.error(), instance));
  auto records = consents_.ListForTenant(ctx, parameters->resident, parameters->all);
  if (!records) return responder(ProblemResponse(records.error(), instance));
  responder(ListResponse(*records));
}

}  // namespace renkei::api::consent
