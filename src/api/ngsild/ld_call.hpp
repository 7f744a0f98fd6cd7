// LdCall: one routed NGSI-LD request with its parsed common parts (tenant, options, the
// request's active @context, the JSON body), handed to a handler with the dependencies it may
// use. Handlers are plain functions of (LdDeps, LdCall, LdReply).
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include <boost/json/value.hpp>

#include "api/common/request_parts.hpp"
#include "api/ngsild/context_catalog.hpp"
#include "api/ngsild/context_resolver.hpp"
#include "api/ngsild/ld_reply.hpp"
#include "auth/authenticator.hpp"
#include "core/jsonld/active_context.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/entity_service.hpp"
#include "service/subscription_service.hpp"

namespace renkei::api::ngsild {

struct LdApiOptions {
  std::size_t default_limit = 20;  // NGSI-LD 1.8 §6.3.10: implementation-defined
  std::size_t max_limit = 1000;    // beyond: 403 TooManyResults (docs/ngsild-mapping.md)
  std::chrono::milliseconds context_timeout{3000};  // remote @context fetches
  // Local copies of remote @contexts, read before the network (context_mirror.hpp); "": none.
  std::string context_mirror_dir;
  std::size_t max_batch = 1000;  // entities per batch operation; beyond: 413 (ngsild-mapping.md)
  // Linked entity retrieval (§4.5.23, docs/ngsild-mapping.md): the deepest joinLevel (beyond:
  // 400) and the most linked entities one response may carry (beyond: 403 TooManyResults).
  std::size_t max_join_level = 5;
  std::size_t max_linked_entities = 1000;
  ContextCatalogLimits contexts;  // stored @contexts (/jsonldContexts, ngsild-mapping.md)
  // Authentication of the tenant's caller (docs/security.md); nullptr: none.
  const auth::Authenticator* authenticator = nullptr;
  // Rate limits per tenant and client (docs/security.md "Rate limits"); nullptr: none.
  ratelimit::RateLimiter* rate_limiter = nullptr;
};

struct LdDeps {
  service::EntityService& entities;
  const LdApiOptions& options;
  ContextResolver& contexts;  // for the per-entity @context of ld+json batch elements
  ContextCatalog& catalog;    // the stored @contexts (/jsonldContexts)
  service::SubscriptionService& subscriptions;  // shared with NGSIv2 (§5.8)
};

struct LdCall {
  http::Request request;
  http::PathParams path;
  service::RequestContext ctx;
  std::set<std::string, std::less<>> options;  // `options` and `format` values
  std::shared_ptr<const core::jsonld::ActiveContext> context;
  boost::json::value body;  // the parsed body of routes that take one; null otherwise

  std::string PathParam(std::string_view name) const { return common::FindPathParam(path, name); }
  std::optional<std::string_view> Param(std::string_view name) const { return request.Param(name); }
  bool Option(std::string_view name) const { return options.contains(name); }
};

using LdHandlerFn = void (*)(const LdDeps&, LdCall&, const LdReply&);

using common::SplitCommaList;

}  // namespace renkei::api::ngsild
