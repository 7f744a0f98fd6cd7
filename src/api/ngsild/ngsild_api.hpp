// NgsiLdApi: the NGSI-LD dialect (ETSI GS CIM 009 v1.8 §6) under /ngsi-ld/v1/. Owns the route
// table (data: method, path, handler, body kind) and what the spec checks before any handler
// runs: content negotiation (415/406), JSON body, the request's @context (Link header or
// inline @context), tenant (NGSILD-Tenant, the same tenants as NGSIv2's Fiware-Service) and
// the query parameters each route defines (ld_parameters.hpp). It owns the @context machinery:
// the fetcher of remote contexts, the catalog of stored ones (/jsonldContexts, §5.13) and the
// resolver cache.
//
// Thread-safety: Handle may be called concurrently from all server threads.
#pragma once

#include "api/common/correlator.hpp"
#include "api/ngsild/context_catalog.hpp"
#include "api/ngsild/context_fetcher.hpp"
#include "api/ngsild/context_mirror.hpp"
#include "api/ngsild/context_resolver.hpp"
#include "api/ngsild/ld_call.hpp"
#include "api/ngsild/ld_parameters.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "notify/notification_builder.hpp"
#include "service/entity_service.hpp"
#include "store/hosted_context_store.hpp"

namespace renkei::api::ngsild {

inline constexpr std::string_view kLdPathPrefix = "/ngsi-ld/v1/";

// kJson: a JSON object; kJsonArray: an array (batch operations, whose application/ld+json
// elements each carry their own @context, §6.14–§6.18); kContextDocument: any JSON, whose
// "@context" is the document's content, not the request's @context (POST /jsonldContexts,
// §6.29.3.1).
enum class LdBody { kNone, kJson, kJsonArray, kContextDocument };

struct LdRoute {
  LdHandlerFn handler;
  LdBody body;
  LdParameters params;    // the query parameters (and options values) it defines
  bool geo_json = false;  // may answer application/geo+json
  // False for the @context management routes (§6.29, §6.30): they neither use nor count a
  // user @context, so a Link header is ignored there.
  bool request_context = true;
};

class NgsiLdApi {
 public:
  // `hosted_contexts` persists the @contexts clients add (§5.13.2); it must outlive this.
  NgsiLdApi(service::EntityService& entities, service::SubscriptionService& subscriptions,
            store::HostedContextStore& hosted_contexts, LdApiOptions options,
            const base::Clock& clock);

  // Reads the persisted hosted @contexts; call once before Handle. kInternalError on a
  // store failure or a corrupt record.
  base::Result<void> LoadHostedContexts() { return catalog_.LoadHosted(); }

  void Handle(http::Request&& request, const http::Responder& responder);

  // The notify renderer of NGSI-LD subscriptions (ld_notification_renderer.cpp): the entity in
  // the subscription's format, compacted with its @context. Thread-safe.
  boost::json::value RenderNotifiedEntity(const core::Entity& entity,
                                          const notify::RenderRequest& request);

 private:
  service::EntityService& entities_;
  service::SubscriptionService& subscriptions_;
  LdApiOptions options_;
  const base::Clock& clock_;
  http::Router<LdRoute> router_;
  common::CorrelatorSource correlators_;
  HttpContextFetcher http_fetcher_;
  MirroredContextFetcher fetcher_;  // the mirror first, then http_fetcher_
  ContextCatalog catalog_;
  ContextResolver contexts_;
};

}  // namespace renkei::api::ngsild
