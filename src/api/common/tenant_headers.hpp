// Tenant and ServicePath headers, shared by both dialects: NGSIv2's Fiware-Service /
// Fiware-ServicePath and NGSI-LD's NGSILD-Tenant name the same tenants (docs/architecture.md).
// Errors carry Orion's description texts (Orion API manual "Multi tenancy", "Service path").
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/time.hpp"
#include "service/request_context.hpp"
#include "store/entity_query.hpp"

namespace renkei::api::common {

// Limits (documented in docs/limits.md).
inline constexpr std::size_t kMaxTenantLength = 50;
inline constexpr std::size_t kMaxServicePathLevels = 10;
inline constexpr std::size_t kMaxServicePathComponentLength = 50;
inline constexpr std::size_t kMaxServicePathsInQuery = 10;

// Lower-cases and validates a tenant name (alphanumerics and '_', at most 50). An absent or
// empty header is the default tenant "".
base::Result<std::string> ParseTenant(std::optional<std::string_view> header);

// The tenant of a request that may name it in either dialect's header (the admin endpoints:
// Fiware-Service or NGSILD-Tenant, one tenant space), parsed as ParseTenant does. Both given
// must name the same tenant, else kBadRequestData titled "ConflictingTenants".
base::Result<std::string> ParseTenantOfEither(std::optional<std::string_view> fiware_service,
                                              std::optional<std::string_view> ngsild_tenant);

enum class ServicePathUse { kRead, kWrite, kPatch, kDelete };
// What an HTTP method does with the ServicePath: GET reads, DELETE deletes, PATCH patches,
// anything else writes (a dialect overrides this for query-by-POST routes).
ServicePathUse ServicePathUseFor(std::string_view method);

struct ServicePaths {
  std::string write_path = "/";   // the single path writes go to
  store::ServicePathScope scope;  // what the request may see or modify
};

// Parses Fiware-ServicePath. Reads default to "/#" (everything), writes to "/". A comma list
// is allowed for reads (up to 10); `#` as the last component makes a path recursive.
base::Result<ServicePaths> ParseServicePath(std::optional<std::string_view> header,
                                            ServicePathUse use);

// The service's view of a request from its tenant and ServicePath headers (both dialects):
// ParseTenant and ParseServicePath, with their errors.
base::Result<service::RequestContext> BuildRequestContext(
    std::optional<std::string_view> tenant_header,
    std::optional<std::string_view> service_path_header, ServicePathUse use, std::string correlator,
    base::Timestamp now);

}  // namespace renkei::api::common
