#include "api/opendata/opendata_api.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <optional>
#include <vector>

#include "api/common/problem_details.hpp"
#include "api/common/request_auth.hpp"
#include "api/common/tenant_headers.hpp"
#include "core/json_text.hpp"
#include "opendata/exporter.hpp"
#include "opendata/import_report.hpp"
#include "opendata/layout_file.hpp"
#include "opendata/municipality_code.hpp"
#include "opendata/quality_file.hpp"
#include "opendata/quality_json.hpp"
#include "opendata/standard_datasets.hpp"
#include "service/access_check.hpp"

namespace renkei::api::opendata {
namespace {

namespace od = renkei::opendata;

using common::ProblemResponse;

http::Response Problem(const base::Error& error) { return ProblemResponse(error); }

http::Response BadRequest(std::string_view title, std::string_view detail) {
  return ProblemResponse(400, title, detail);
}

// A parameter the endpoint does not define is an error rather than silently ignored (a
// misspelt `dry_run` must not import for real).
std::optional<http::Response> CheckParameters(const http::Request& request,
                                              std::initializer_list<std::string_view> known) {
  for (const auto& [name, value] : request.query) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return BadRequest("UnknownParameter", "unknown query parameter '" + name + "'");
    }
  }
  return std::nullopt;
}

// "true" / "false" / absent (false); anything else is an error.
base::Result<bool> BoolParameter(const http::Request& request, std::string_view name) {
  const auto value = request.Param(name);
  if (!value || *value == "false") return false;
  if (*value == "true") return true;
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidParameter",
                    std::string(name) + " must be true or false");
}

// The tenant from Fiware-Service or NGSILD-Tenant (one tenant space for both dialects).
base::Result<std::string> TenantOf(const http::Request& request) {
  return common::ParseTenantOfEither(request.Header("Fiware-Service"),
                                     request.Header("NGSILD-Tenant"));
}

// Mapping names are file names in the configured folder: no paths, no dots.
bool IsMappingName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

// `file=NAME` of an import: the source file's name, recorded with each entity (ADR 0017).
// A name, not a path: no folders, no control characters, at most 255 bytes.
base::Result<std::string> SourceFileParameter(const http::Request& request) {
  const auto name = request.Param("file");
  if (!name) return std::string();
  const bool valid =
      !name->empty() && name->size() <= 255 && std::none_of(name->begin(), name->end(), [](char c) {
        return c == '/' || c == '\\' || static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
  if (!valid) {
    return base::Fail(base::ErrorCode::kBadRequestData, "InvalidParameter",
                      "file must be the CSV file's name (1-255 bytes, no folders, no control "
                      "characters)");
  }
  return std::string(*name);
}

// A body over the limit was not read: the connection closes after the answer.
http::Response TooLarge(std::size_t limit, std::string_view cli) {
  http::Response response = ProblemResponse(
      413, "PayloadTooLarge",
      "the file exceeds the limit of " + std::to_string(limit) + " bytes; use " + std::string(cli));
  response.close = true;
  return response;
}

// The file endpoints read a municipality's rows: the tenant must be its code (opendata-mapping.md).
base::Result<std::string> MunicipalityTenant(const http::Request& request) {
  RENKEI_TRY(auto tenant, TenantOf(request));
  if (!od::IsValidMunicipalityCode(tenant)) {
    return base::Fail(base::ErrorCode::kBadRequestData, "InvalidTenant",
                      "the tenant (Fiware-Service or NGSILD-Tenant) must be a 6-digit "
                      "全国地方公共団体コード with a valid check digit, got '" +
                          tenant + "'");
  }
  return tenant;
}

// The file check reads CSV bytes in any encoding (text_encoding.hpp); a body declared as
// JSON or a form is not a file (RFC 9110 §15.5.16: 415). No Content-Type is taken as bytes.
bool IsFileContentType(std::optional<std::string_view> header) {
  if (!header) return true;
  std::string type(header->substr(0, header->find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return type == "text/csv" || type == "text/plain" || type == "application/octet-stream";
}

}  // namespace

OpendataAdminApi::OpendataAdminApi(service::EntityService& entities, OpendataApiOptions options,
                                   const base::Clock& clock)
    : entities_(entities), options_(std::move(options)), clock_(clock) {}

void OpendataAdminApi::Handle(http::Request&& request, const http::Responder& responder) {
  const std::string_view rest =
      std::string_view(request.path)
          .substr(std::min(request.path.size(), kOpendataPathPrefix.size()));
  const bool is_export = rest == "export", is_import = rest == "import",
             is_quality = rest == "quality";
  if (!is_export && !is_import && !is_quality) {
    responder(ProblemResponse(404, "NotFound", "no admin resource " + request.path));
    return;
  }
  const std::string_view wanted = is_export ? "GET" : "POST";
  if (request.method != wanted) {
    http::Response response = ProblemResponse(
        405, "MethodNotAllowed", request.method + " is not allowed on " + request.path);
    response.Set("Allow", std::string(wanted));
    responder(std::move(response));
    return;
  }
  if (is_export) {
    responder(Export(request));
  } else if (is_import) {
    responder(Import(request));
  } else {
    responder(CheckFile(request));
  }
}

base::Result<service::RequestContext> OpendataAdminApi::CallerContext(
    const http::Request& request, const std::string& tenant, common::ServicePathUse use) const {
  RENKEI_TRY(auto ctx, common::BuildRequestContext(tenant, request.Header("Fiware-ServicePath"),
                                                   use, "", clock_.Now()));
  RENKEI_TRY_VOID(
      common::AuthenticateRequest(options_.authenticator, options_.rate_limiter, request, ctx));
  return ctx;
}

base::Result<void> OpendataAdminApi::ApplyLayoutParameters(const http::Request& request,
                                                           od::ImportOptions& options) const {
  if (auto dataset = request.Param("dataset")) {
    if (!od::FindStandardDataset(*dataset)) {
      return base::Fail(base::ErrorCode::kBadRequestData, "UnknownDataset",
                        "no built-in dataset '" + std::string(*dataset) + "'");
    }
    options.dataset = std::string(*dataset);
  }
  if (auto mapping = request.Param("mapping")) {
    if (options_.mappings_dir.empty()) {
      return base::Fail(base::ErrorCode::kBadRequestData, "NoMappings",
                        "no mappings folder is configured (opendata.mappings_dir)");
    }
    if (!IsMappingName(*mapping)) {
      return base::Fail(base::ErrorCode::kBadRequestData, "InvalidParameter",
                        "mapping must be a file name without extension ([A-Za-z0-9_-])");
    }
    const auto path =
        std::filesystem::path(options_.mappings_dir) / (std::string(*mapping) + ".toml");
    if (!std::filesystem::is_regular_file(path)) {
      return base::Fail(base::ErrorCode::kBadRequestData, "UnknownMapping",
                        "no mapping '" + std::string(*mapping) + "'");
    }
    RENKEI_TRY(options.layout, od::LoadLayoutFile(path.string()));
  }
  return base::Ok();
}

http::Response OpendataAdminApi::Export(const http::Request& request) const {
  if (auto bad = CheckParameters(request, {"dataset", "format", "generation", "bom"})) {
    return *bad;
  }
  const auto dataset = request.Param("dataset");
  if (!dataset || !od::FindStandardDataset(*dataset)) {
    std::string names;
    for (const auto& layout : od::StandardDatasets()) names += " " + layout.name;
    return BadRequest("UnknownDataset", "dataset must be one of:" + names);
  }
  od::ExportOptions options;
  options.dataset = std::string(*dataset);
  options.max_entities = options_.max_export_entities;
  const auto format = od::ParseExportFormat(request.Param("format").value_or("csv"));
  if (!format) return BadRequest("InvalidParameter", "format must be csv or geojson");
  options.format = *format;
  const auto generation = od::ParseExportGeneration(request.Param("generation").value_or("new"));
  if (!generation) return BadRequest("InvalidParameter", "generation must be new or old");
  options.generation = *generation;
  auto bom = BoolParameter(request, "bom");
  if (!bom) return Problem(bom.error());
  options.bom = *bom;
  auto tenant = TenantOf(request);
  if (!tenant) return Problem(tenant.error());
  auto ctx = CallerContext(request, *tenant, common::ServicePathUse::kRead);
  if (!ctx) return Problem(ctx.error());

  http::Response response;
  auto written = od::ExportDataset(entities_, *ctx, options,
                                   [&response](std::string_view piece) { response.body += piece; });
  if (!written) return Problem(written.error());
  const bool csv = options.format == od::ExportFormat::kCsv;
  response.Set("Content-Type", csv ? "text/csv; charset=utf-8" : "application/geo+json");
  // The standard's file name: {code}_{dataset}.csv (municipal-context.md §3.1 "File naming").
  response.Set("Content-Disposition",
               "attachment; filename=\"" + (tenant->empty() ? std::string("default") : *tenant) +
                   "_" + options.dataset + (csv ? ".csv" : ".geojson") + "\"");
  return response;
}

http::Response OpendataAdminApi::Import(const http::Request& request) {
  if (request.body_too_large) {
    return TooLarge(options_.max_import_bytes, "renkei import opendata");
  }
  if (auto bad = CheckParameters(request, {"dataset", "mapping", "dry_run", "file"})) return *bad;
  if (request.body.empty()) return BadRequest("EmptyBody", "the body must be the CSV file");
  // Imported entities live in the tenant of their municipality (opendata-mapping.md).
  auto tenant = MunicipalityTenant(request);
  if (!tenant) return Problem(tenant.error());
  auto source_file = SourceFileParameter(request);
  if (!source_file) return Problem(source_file.error());
  auto dry_run = BoolParameter(request, "dry_run");
  if (!dry_run) return Problem(dry_run.error());
  auto ctx = CallerContext(request, *tenant, common::ServicePathUse::kWrite);
  if (!ctx) return Problem(ctx.error());

  od::ImportOptions options;
  options.tenant = *tenant;
  options.service_path = ctx->service_path;
  options.caller = *ctx;
  options.source_file = std::move(*source_file);
  if (auto applied = ApplyLayoutParameters(request, options); !applied) {
    return Problem(applied.error());
  }
  od::WriterProvider writer;
  if (!*dry_run) {
    writer = [this]() -> base::Result<service::EntityService*> { return &entities_; };
  }
  auto report = od::ImportFile(request.body, options, writer, ctx->now);
  if (!report) return Problem(report.error());
  http::Response response;
  response.Set("Content-Type", "application/json");
  response.body = od::ReportJson(*report);
  return response;
}

http::Response OpendataAdminApi::CheckFile(const http::Request& request) const {
  if (request.body_too_large) {
    return TooLarge(options_.max_import_bytes, "renkei quality --file");
  }
  if (!IsFileContentType(request.Header("Content-Type"))) {
    return ProblemResponse(415, "UnsupportedMediaType",
                           "the body must be the CSV file: Content-Type text/csv, text/plain or "
                           "application/octet-stream, got '" +
                               std::string(*request.Header("Content-Type")) + "'");
  }
  od::FailurePage page;
  for (const auto& [name, value] : request.query) {
    if (name == "dataset" || name == "mapping") continue;
    auto applied = od::ApplyFailurePageParameter(name, value, page);
    if (!applied) return Problem(applied.error());
    if (!*applied) {
      return BadRequest("UnknownParameter",
                        "unknown query parameter '" + name +
                            "' (allowed: dataset, mapping, check, limit, offset)");
    }
  }
  if (request.body.empty()) return BadRequest("EmptyBody", "the body must be the CSV file");
  auto tenant = MunicipalityTenant(request);
  if (!tenant) return Problem(tenant.error());
  auto ctx = CallerContext(request, *tenant, common::ServicePathUse::kRead);
  if (!ctx) return Problem(ctx.error());
  // An admin data endpoint, as the import's dry run: `administer` on some type
  // (docs/security.md), although it reads and writes nothing of the tenant's.
  if (auto allowed = service::AuthorizeSome(*ctx, auth::Action::kAdminister); !allowed) {
    return Problem(allowed.error());
  }
  od::ImportOptions options;
  options.tenant = *tenant;
  if (auto applied = ApplyLayoutParameters(request, options); !applied) {
    return Problem(applied.error());
  }
  auto assessed = od::AssessFile(request.body, options, options_.quality, ctx->now);
  if (!assessed) return Problem(assessed.error());
  http::Response response;
  response.Set("Content-Type", "application/json");
  // Numbers as people write them (33.6781, not Boost 1.81's 3.36781E1).
  response.body =
      core::ToJsonText(od::FileQualityReportJson(*tenant, ctx->now, *assessed, page, std::nullopt));
  return response;
}

}  // namespace renkei::api::opendata
