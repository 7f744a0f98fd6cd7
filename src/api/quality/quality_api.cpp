#include "api/quality/quality_api.hpp"

#include <algorithm>

#include <boost/json.hpp>

#include "api/common/problem_details.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"
#include "core/json_text.hpp"
#include "opendata/quality_json.hpp"

namespace renkei::api::quality {
namespace {

using common::ProblemResponse;

base::Unexpected BadRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

struct ReportRequest {
  service::RequestContext ctx;
  std::optional<std::string> dataset;
  renkei::opendata::FailurePage page;
};

base::Result<ReportRequest> ParseRequest(const http::Request& request, std::string correlator,
                                         base::Timestamp now) {
  ReportRequest out;
  for (const auto& [name, value] : request.query) {
    if (name == "dataset") {
      if (value.empty()) return BadRequest("'dataset' is empty");
      out.dataset = value;
      continue;
    }
    RENKEI_TRY(bool paging, renkei::opendata::ApplyFailurePageParameter(name, value, out.page));
    if (!paging) {
      return BadRequest("unknown query parameter '" + name +
                        "' (allowed: dataset, check, limit, offset)");
    }
  }
  RENKEI_TRY(std::string tenant, common::ParseTenantOfEither(request.Header("Fiware-Service"),
                                                             request.Header("NGSILD-Tenant")));
  RENKEI_TRY(out.ctx, common::BuildRequestContext(tenant, request.Header("Fiware-ServicePath"),
                                                  common::ServicePathUse::kRead,
                                                  std::move(correlator), now));
  return out;
}

}  // namespace

void QualityApi::Handle(http::Request&& request, const http::Responder& responder) {
  std::string_view path = request.path;
  if (path.size() > kQualityPath.size() && path.ends_with('/')) path.remove_suffix(1);
  if (path != kQualityPath) {
    responder(ProblemResponse(base::MakeError(base::ErrorCode::kResourceNotFound, "NotFound",
                                              "no admin resource at " + request.path),
                              request.path));
    return;
  }
  if (request.method != "GET") {
    auto response = ProblemResponse(
        base::MakeError(base::ErrorCode::kMethodNotAllowed, "MethodNotAllowed",
                        request.method + " is not allowed on " + std::string(kQualityPath) +
                            "; the report is read with GET"),
        request.path);
    response.Set("Allow", "GET");
    responder(std::move(response));
    return;
  }
  const auto correlator = correlators_.ForRequest(request.Header("Fiware-Correlator"));
  auto parsed = ParseRequest(request, correlator, clock_.Now());
  if (!parsed) {
    responder(ProblemResponse(parsed.error(), request.path));
    return;
  }
  if (auto authenticated =
          common::AuthenticateRequest(authenticator_, rate_limiter_, request, parsed->ctx);
      !authenticated) {
    responder(ProblemResponse(authenticated.error(), request.path));
    return;
  }
  auto reports = service_.Assess(parsed->ctx, parsed->dataset);
  if (!reports) {
    responder(ProblemResponse(reports.error(), request.path));
    return;
  }
  http::Response response;
  response.status = 200;
  response.Set("Content-Type", "application/json");
  response.Set("Fiware-Correlator", correlator);
  // Numbers as people write them (33.6781, not Boost 1.81's 3.36781E1).
  response.body = core::ToJsonText(renkei::opendata::QualityReportJson(
      parsed->ctx.tenant, parsed->ctx.now, *reports, parsed->page));
  responder(std::move(response));
}

}  // namespace renkei::api::quality
