// OpendataAdminApi: the open-data admin endpoints under /admin/v1/opendata/
// (docs/opendata-mapping.md "HTTP endpoints"):
//   GET  export?dataset=D&format=csv|geojson&generation=new|old&bom=true
//   POST import?dataset=D&mapping=NAME&dry_run=true&file=NAME   (body: the CSV file, any
//        encoding; `file` names it in the stored entities' import sources, ADR 0017)
//   POST quality?dataset=D&mapping=NAME&check=C&limit=N&offset=M   (body: the CSV file) the
//        data quality report of the file as `renkei quality --file` gives it; writes nothing
// The tenant is the Fiware-Service or NGSILD-Tenant header (the same tenants, architecture.md);
// imports need it to be a 全国地方公共団体コード. Errors are RFC 9457 Problem Details. Both
// endpoints call src/opendata (ExportDataset, ImportFile, AssessFile) and the service layer
// only.
//
// Thread-safety: Handle may be called concurrently from all server threads. An import
// blocks its server thread until every batch is committed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "api/common/tenant_headers.hpp"
#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "opendata/importer.hpp"
#include "opendata/quality_settings.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/entity_service.hpp"

namespace renkei::api::opendata {

inline constexpr std::string_view kOpendataPathPrefix = "/admin/v1/opendata/";

struct OpendataApiOptions {
  // Where `mapping=NAME` finds NAME.toml; empty: mapping files cannot be named.
  std::string mappings_dir;
  // Largest import (and file check) body; the server must let bodies of this size through
  // to both paths.
  std::size_t max_import_bytes = 32 * 1024 * 1024;
  // Largest export answered over HTTP (the CLI has no limit).
  std::size_t max_export_entities = 200000;
  // Authentication of the tenant's caller (docs/security.md); nullptr: none.
  const auth::Authenticator* authenticator = nullptr;
  // Rate limits per tenant and client (docs/security.md "Rate limits"); nullptr: none.
  ratelimit::RateLimiter* rate_limiter = nullptr;
  // Update cycles of the file check's freshness (docs/data-quality.md).
  renkei::opendata::QualitySettings quality;
};

class OpendataAdminApi {
 public:
  OpendataAdminApi(service::EntityService& entities, OpendataApiOptions options,
                   const base::Clock& clock);

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  http::Response Export(const http::Request& request) const;
  http::Response Import(const http::Request& request);
  http::Response CheckFile(const http::Request& request) const;
  // The caller's context for `tenant` (ServicePath header for `use`), authenticated and
  // within its rate limits (docs/security.md).
  base::Result<service::RequestContext> CallerContext(const http::Request& request,
                                                      const std::string& tenant,
                                                      common::ServicePathUse use) const;
  // `dataset` and `mapping` (a file of options_.mappings_dir) into the options.
  base::Result<void> ApplyLayoutParameters(const http::Request& request,
                                           renkei::opendata::ImportOptions& options) const;

  service::EntityService& entities_;
  OpendataApiOptions options_;
  const base::Clock& clock_;
};

}  // namespace renkei::api::opendata
