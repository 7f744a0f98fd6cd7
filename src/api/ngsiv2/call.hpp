// Call: one routed NGSIv2 request with its parsed common parts, handed to a handler with
// the dependencies it may use. Handlers are plain functions of (Deps, Call, Reply).
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "api/ngsiv2/reply.hpp"
#include "auth/authenticator.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/entity_service.hpp"
#include "service/request_context.hpp"
#include "service/subscription_service.hpp"

namespace renkei::api::ngsiv2 {

struct ApiOptions {
  std::size_t default_limit = 20;         // Orion: 20
  std::size_t max_limit = 1000;           // Orion: 1000
  std::vector<std::string> cors_origins;  // empty: CORS off; "__ALL": any origin
  std::size_t cors_max_age = 86400;
  std::string version = "0.1.0";
  base::Timestamp started_at;
  // Authentication of the tenant's caller (docs/security.md); nullptr: none.
  const auth::Authenticator* authenticator = nullptr;
  // Rate limits per tenant and client (docs/security.md "Rate limits"); nullptr: none.
  ratelimit::RateLimiter* rate_limiter = nullptr;
};

struct Deps {
  service::EntityService& entities;
  service::SubscriptionService& subscriptions;
  const ApiOptions& options;
};

struct Call {
  http::Request request;
  http::PathParams path;
  service::RequestContext ctx;
  std::set<std::string, std::less<>> options;  // the `options` URL parameter, parsed

  std::string PathParam(std::string_view name) const;
  std::optional<std::string_view> Param(std::string_view name) const { return request.Param(name); }
  bool Option(std::string_view name) const { return options.contains(name); }
};

using HandlerFn = void (*)(const Deps&, Call&, const Reply&);

// Comma-separated list, empty items dropped.
std::vector<std::string> SplitList(std::string_view text);

}  // namespace renkei::api::ngsiv2
