#include "api/common/tenant_headers.hpp"

#include <cctype>
#include <vector>

namespace renkei::api::common {
namespace {

base::Unexpected BadRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  while (true) {
    const std::size_t pos = s.find(sep, start);
    out.push_back(
        s.substr(start, pos == std::string_view::npos ? std::string_view::npos : pos - start));
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// Validates one path; returns it normalised (no trailing '/') and whether it ends in '#'.
base::Result<store::ServicePathScope::Path> ParseOnePath(std::string_view path,
                                                         ServicePathUse use) {
  if (path.empty() || path.front() != '/') {
    return BadRequest("Only /absolute/ Service Paths allowed [a service path must begin with /]");
  }
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);  // trailing '/' discarded
  if (path == "/") return store::ServicePathScope::Path{"/", false};
  if (path[1] == '/') return BadRequest("empty component in ServicePath");
  const auto components = Split(path.substr(1), '/');
  if (components.size() > kMaxServicePathLevels) {
    return BadRequest("too many components in ServicePath");
  }
  bool recursive = false;
  for (std::size_t i = 0; i < components.size(); ++i) {
    const auto c = components[i];
    if (c.size() > kMaxServicePathComponentLength) {
      return BadRequest("component-name too long in ServicePath");
    }
    if (c.empty()) return BadRequest("empty component in ServicePath");
    if (i + 1 == components.size() && c == "#") {
      if (use == ServicePathUse::kDelete) {
        return BadRequest("servicepath with wildcard # is not allowed in DELETE operation");
      }
      if (use == ServicePathUse::kPatch) {
        return BadRequest("servicepath with wildcard # is not allowed in patch update request");
      }
      recursive = true;
      continue;
    }
    for (char ch : c) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') {
        return BadRequest("a component of ServicePath contains an illegal character");
      }
    }
  }
  std::string normalised(path);
  if (recursive) {
    normalised.resize(normalised.size() - 2);  // drop "/#"
    if (normalised.empty()) normalised.push_back('/');
  }
  return store::ServicePathScope::Path{normalised, recursive};
}

}  // namespace

base::Result<std::string> ParseTenant(std::optional<std::string_view> header) {
  if (!header || header->empty()) return std::string();
  if (header->size() > kMaxTenantLength) {
    return BadRequest("bad length - a tenant name can be max 50 characters long");
  }
  std::string tenant;
  tenant.reserve(header->size());
  for (char c : *header) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return BadRequest(
          "bad character in tenant name - only underscore and alphanumeric characters are "
          "allowed");
    }
    tenant.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return tenant;
}

base::Result<std::string> ParseTenantOfEither(std::optional<std::string_view> fiware_service,
                                              std::optional<std::string_view> ngsild_tenant) {
  RENKEI_TRY(std::string tenant, ParseTenant(fiware_service ? fiware_service : ngsild_tenant));
  if (fiware_service && ngsild_tenant) {
    RENKEI_TRY(std::string other, ParseTenant(ngsild_tenant));
    if (other != tenant) {
      return base::Fail(base::ErrorCode::kBadRequestData, "ConflictingTenants",
                        "Fiware-Service '" + std::string(*fiware_service) +
                            "' and NGSILD-Tenant '" + std::string(*ngsild_tenant) +
                            "' name different tenants");
    }
  }
  return tenant;
}

base::Result<ServicePaths> ParseServicePath(std::optional<std::string_view> header,
                                            ServicePathUse use) {
  ServicePaths out;
  if (!header || Trim(*header).empty()) {
    // Orion: queries default to "/#", updates to "/".
    if (use == ServicePathUse::kRead) {
      out.scope = store::ServicePathScope::Everything();
    } else {
      out.scope.paths.push_back({"/", false});
    }
    return out;
  }
  const auto parts = Split(*header, ',');
  if (parts.size() > kMaxServicePathsInQuery) {
    return BadRequest("too many service paths - a maximum of ten service paths is allowed");
  }
  if (parts.size() > 1 && use != ServicePathUse::kRead) {
    return BadRequest(use == ServicePathUse::kDelete
                          ? "more than one servicepath is not allowed in DELETE operation"
                      : use == ServicePathUse::kPatch
                          ? "more than one servicepath in patch update request is not allowed"
                          : "more than one service path in context update request");
  }
  for (auto part : parts) {
    RENKEI_TRY(auto path, ParseOnePath(Trim(part), use));
    out.scope.paths.push_back(path);
  }
  if (use != ServicePathUse::kRead) {
    // A recursive path in an update request selects the subtree for lookups; new entities
    // land in its root.
    out.write_path = out.scope.paths.front().path;
  }
  return out;
}

ServicePathUse ServicePathUseFor(std::string_view method) {
  if (method == "GET") return ServicePathUse::kRead;
  if (method == "DELETE") return ServicePathUse::kDelete;
  if (method == "PATCH") return ServicePathUse::kPatch;
  return ServicePathUse::kWrite;
}

base::Result<service::RequestContext> BuildRequestContext(
    std::optional<std::string_view> tenant_header,
    std::optional<std::string_view> service_path_header, ServicePathUse use, std::string correlator,
    base::Timestamp now) {
  RENKEI_TRY(std::string tenant, ParseTenant(tenant_header));
  RENKEI_TRY(ServicePaths paths, ParseServicePath(service_path_header, use));
  service::RequestContext ctx;
  ctx.tenant = std::move(tenant);
  ctx.service_path = std::move(paths.write_path);
  ctx.scope = std::move(paths.scope);
  ctx.correlator = std::move(correlator);
  ctx.now = now;
  return ctx;
}

}  // namespace renkei::api::common
