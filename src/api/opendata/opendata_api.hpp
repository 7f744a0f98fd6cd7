// OpendataAdminApi: the open-data admin endpoints under /admin/v1/opendata/
// (docs/opendata-mapping.md "HTTP endpoints"):
//   GET  export?dataset=D&format=csv|geojson&generation=new|old&bom=true
//   POST import?dataset=D&mapping=NAME&dry_run=true   (body: the CSV file, any encoding)
// The tenant is the Fiware-Service or NGSILD-Tenant header (the same tenants, architecture.md);
// imports need it to be a 全国地方公共団体コード. Errors are RFC 9457 Problem Details. Both
// endpoints call src/opendata (ExportDataset, ImportFile) and the service layer only.
//
// Thread-safety: Handle may be called concurrently from all server threads. An import
// blocks its server thread until every batch is committed.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "auth/authenticator.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/entity_service.hpp"

namespace renkei::api::opendata {

inline constexpr std::string_view kOpendataPathPrefix = "/admin/v1/opendata/";

struct OpendataApiOptions {
  // Where `mapping=NAME` finds NAME.toml; empty: mapping files cannot be named.
  std::string mappings_dir;
  // Largest import body; the server must let bodies of this size through to this prefix.
  std::size_t max_import_bytes = 32 * 1024 * 1024;
  // Largest export answered over HTTP (the CLI has no limit).
  std::size_t max_export_entities = 200000;
  // Authentication of the tenant's caller (docs/security.md); nullptr: none.
  const auth::Authenticator* authenticator = nullptr;
  // Rate limits per tenant and client (docs/security.md "Rate limits"); nullptr: none.
  ratelimit::RateLimiter* rate_limiter = nullptr;
};

class OpendataAdminApi {
 public:
  OpendataAdminApi(service::EntityService& entities, OpendataApiOptions options,
                   const base::Clock& clock);

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  http::Response Export(const http::Request& request) const;
  http::Response Import(const http::Request& request);

  service::EntityService& entities_;
  OpendataApiOptions options_;
  const base::Clock& clock_;
};

}  // namespace renkei::api::opendata
