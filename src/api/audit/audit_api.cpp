#include "api/audit/audit_api.hpp"

#include <charconv>
#include <initializer_list>
#include <limits>

#include <boost/json.hpp>

#include "api/audit/audit_json.hpp"
#include "api/common/problem_details.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"

namespace renkei::api::audit {
namespace {

constexpr std::string_view kVerifyPath = "/admin/v1/audit/verify";
constexpr std::string_view kPlatformOperator = "platform-operator";
constexpr std::string_view kTenantAdmin = "tenant-admin";

base::Unexpected BadRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequestData", std::move(detail));
}

std::string_view WithoutTrailingSlash(std::string_view path) {
  if (path.size() > 1 && path.ends_with('/')) path.remove_suffix(1);
  return path;
}

// Until authorization lands: a principal needs one of `roles`. No principal means the tenant
// has authentication off, where no endpoint checks anything (docs/security.md).
base::Result<void> RequireRole(const auth::Principal* principal,
                               std::initializer_list<std::string_view> roles) {
  if (principal == nullptr) return base::Ok();
  for (const auto role : roles) {
    if (principal->HasRole(role)) return base::Ok();
  }
  if (principal->IsAnonymous()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "the audit log needs an authenticated operator or tenant administrator");
  }
  std::string names;
  for (const auto role : roles) names += (names.empty() ? "" : " or ") + std::string(role);
  return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                    "reading the audit log needs the role " + names);
}

// The resident of /me/accesses: the authenticated subject, never a parameter.
base::Result<std::string> CallingResident(const auth::Principal* principal) {
  if (principal == nullptr || principal->IsAnonymous() || principal->subject.empty()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "a resident's own accesses are shown to the authenticated resident only");
  }
  return principal->subject;
}

base::Result<base::Timestamp> TimeParameter(std::string_view name, std::string_view text) {
  const auto time = base::ParseIso8601(text);
  if (!time) {
    return BadRequest("'" + std::string(name) + "' must be an ISO 8601 date-time, got '" +
                      std::string(text) + "'");
  }
  return *time;
}

base::Result<std::int64_t> CountParameter(std::string_view name, std::string_view text,
                                          std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max) {
    return BadRequest("'" + std::string(name) + "' must be an integer from " + std::to_string(min) +
                      " to " + std::to_string(max) + ", got '" + std::string(text) + "'");
  }
  return value;
}

struct ListRequest {
  store::AuditFilter filter;
  bool json_lines = false;
};

// Query parameters of the two listing endpoints; `resident` only where the caller may choose.
base::Result<ListRequest> ParseListRequest(const http::Request& request, bool resident_allowed) {
  ListRequest out;
  out.filter.limit = kDefaultAuditLimit;
  for (const auto& [name, value] : request.query) {
    if (name == "resident" && resident_allowed) {
      out.filter.resident = value;
    } else if (name == "from") {
      RENKEI_TRY(out.filter.from, TimeParameter(name, value));
    } else if (name == "to") {
      RENKEI_TRY(out.filter.to, TimeParameter(name, value));
    } else if (name == "after") {
      RENKEI_TRY(out.filter.after_seq,
                 CountParameter(name, value, 0, std::numeric_limits<std::int64_t>::max()));
    } else if (name == "limit") {
      RENKEI_TRY(auto limit,
                 CountParameter(name, value, 1, static_cast<std::int64_t>(kMaxAuditLimit)));
      out.filter.limit = static_cast<std::size_t>(limit);
    } else if (name == "format") {
      if (value != "json" && value != "jsonl") return BadRequest("'format' is json or jsonl");
      out.json_lines = value == "jsonl";
    } else {
      return BadRequest("unknown query parameter '" + name + "' (allowed: " +
                        (resident_allowed ? "resident, " : "") + "from, to, after, limit, format)");
    }
  }
  return out;
}

http::Response RecordsResponse(const std::vector<store::AuditRecord>& records,
                               const ListRequest& list) {
  http::Response response;
  if (list.json_lines) {
    // JSON lines (one record per line) for export to files and log tools.
    response.Set("Content-Type", "application/x-ndjson");
    for (const auto& record : records) {
      response.body += boost::json::serialize(AuditRecordJson(record));
      response.body += '\n';
    }
  } else {
    boost::json::array array;
    for (const auto& record : records) array.push_back(AuditRecordJson(record));
    response.Set("Content-Type", "application/json");
    response.body = boost::json::serialize(array);
  }
  // A full page may have a next one: ask again with after=<this>.
  if (records.size() == list.filter.limit && !records.empty()) {
    response.Set("Renkei-Next-After", std::to_string(records.back().seq));
  }
  return response;
}

http::Response VerificationResponse(const store::AuditVerification& verification) {
  boost::json::object body;
  body["records"] = verification.records;
  body["intact"] = !verification.first_broken_seq.has_value();
  if (verification.first_broken_seq) {
    body["firstBroken"] = {{"seq", *verification.first_broken_seq},
                           {"reason", verification.reason}};
  } else {
    body["headHash"] = verification.head_hash;
  }
  http::Response response;
  response.Set("Content-Type", "application/json");
  response.body = boost::json::serialize(body);
  return response;
}

}  // namespace

bool AuditApi::Serves(std::string_view path) {
  path = WithoutTrailingSlash(path);
  return path == kAuditPath || path == kVerifyPath || path == kMyAccessesPath;
}

void AuditApi::Handle(http::Request&& request, const http::Responder& responder) {
  const std::string_view path = WithoutTrailingSlash(request.path);
  auto answer = [&]() -> base::Result<http::Response> {
    if (request.method != "GET") {
      return base::Fail(base::ErrorCode::kMethodNotAllowed, "MethodNotAllowed",
                        request.method + " is not allowed on " + std::string(path) +
                            "; the audit log is append-only and read with GET");
    }
    auto tenant_header = request.Header("Fiware-Service");
    if (!tenant_header) tenant_header = request.Header("NGSILD-Tenant");
    RENKEI_TRY(auto ctx,
               common::BuildRequestContext(tenant_header, std::nullopt,
                                           common::ServicePathUse::kRead, "", clock_.Now()));
    RENKEI_TRY_VOID(common::AuthenticateRequest(authenticator_, rate_limiter_, request, ctx));
    const auth::Principal* principal = ctx.principal.get();
    if (path == kVerifyPath) {
      // The whole chain, every tenant's records: a tenant with authentication off must not
      // open it (docs/security.md "Platform-wide operations").
      RENKEI_TRY_VOID(common::RequirePlatformOperator(authenticator_, request, ctx));
      if (!request.query.empty()) return BadRequest("verify takes no query parameters");
      RENKEI_TRY(auto verification, store_.VerifyAudit());
      return VerificationResponse(verification);
    }
    const bool own = path == kMyAccessesPath;
    std::optional<std::string> resident;
    if (own) {
      RENKEI_TRY(resident, CallingResident(principal));
    } else {
      RENKEI_TRY_VOID(RequireRole(principal, {kPlatformOperator, kTenantAdmin}));
    }
    RENKEI_TRY(auto list, ParseListRequest(request, !own));
    list.filter.tenant = ctx.tenant;
    if (own) list.filter.resident = resident;
    RENKEI_TRY(auto records, store_.ReadAudit(list.filter));
    return RecordsResponse(records, list);
  }();
  if (!answer) {
    auto response = common::ProblemResponse(answer.error(), request.path);
    if (answer.error().code == base::ErrorCode::kMethodNotAllowed) response.Set("Allow", "GET");
    responder(std::move(response));
    return;
  }
  answer->status = 200;
  responder(std::move(*answer));
}

}  // namespace renkei::api::audit
