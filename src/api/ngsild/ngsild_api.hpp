// NgsiLdApi: the NGSI-LD dialect (ETSI GS CIM 009 v1.8 §6) under /ngsi-ld/v1/. Owns the route
// table (data: method, path, handler, body kind) and what the spec checks before any handler
// runs: content negotiation (415/406), JSON body, the request's @context (Link header or
// inline @context), tenant (NGSILD-Tenant, the same tenants as NGSIv2's Fiware-Service) and
// the query parameters each route defines (ld_parameters.hpp).
//
// Thread-safety: Handle may be called concurrently from all server threads.
#pragma once

#include "api/common/correlator.hpp"
#include "api/ngsild/context_resolver.hpp"
#include "api/ngsild/ld_call.hpp"
#include "api/ngsild/ld_parameters.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "service/entity_service.hpp"

namespace renkei::api::ngsild {

inline constexpr std::string_view kLdPathPrefix = "/ngsi-ld/v1/";

// kJson: a JSON object; kJsonArray: an array (batch operations, whose application/ld+json
// elements each carry their own @context, §6.14–§6.18).
enum class LdBody { kNone, kJson, kJsonArray };

struct LdRoute {
  LdHandlerFn handler;
  LdBody body;
  LdParameters params;    // the query parameters (and options values) it defines
  bool geo_json = false;  // may answer application/geo+json
};

class NgsiLdApi {
 public:
  NgsiLdApi(service::EntityService& entities, LdApiOptions options, const base::Clock& clock);

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  service::EntityService& entities_;
  LdApiOptions options_;
  const base::Clock& clock_;
  http::Router<LdRoute> router_;
  common::CorrelatorSource correlators_;
  HttpContextLoader loader_;
  ContextResolver contexts_;
};

}  // namespace renkei::api::ngsild
