// NgsiV2Api: the NGSIv2 dialect as Orion 4.x serves it. Owns the route table (data: method,
// path, handler, body kind) and the checks Orion applies before any handler runs: URL
// characters, payload presence and size, Content-Type/Accept, tenant and ServicePath
// headers, correlator, CORS.
//
// Thread-safety: Handle may be called concurrently from all server threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/common/correlator.hpp"
#include "api/ngsiv2/call.hpp"
#include "base/time.hpp"
#include "http/message.hpp"
#include "http/router.hpp"
#include "service/entity_service.hpp"

namespace renkei::api::ngsiv2 {

// What a route accepts as request body.
enum class BodyKind { kNone, kJson, kJsonOrText };

struct Route {
  HandlerFn handler;
  BodyKind body;
  // The handler checks the {attr} segment as an attribute name ("Invalid characters in
  // attribute name"), as Orion does on PUT /v2/entities/{id}/attrs/{attr}, instead of the
  // generic URI check (case 1793_forbidden_id_chars_in_uri).
  bool handler_checks_attr_name = false;
};

class NgsiV2Api {
 public:
  NgsiV2Api(service::EntityService& entities, service::SubscriptionService& subscriptions,
            ApiOptions options, const base::Clock& clock);

  void Handle(http::Request&& request, const http::Responder& responder);

 private:
  http::HeaderList CommonHeaders(const http::Request& request, const std::string& correlator) const;
  // The Allow list of a known path, in Orion's order.
  std::string AllowedMethods(const http::Router<Route>::Match& match) const;
  std::optional<std::string> EmptyLastComponentError(std::string_view method,
                                                     std::string_view path) const;
  void Preflight(const http::Request& request, const http::Router<Route>::Match& match,
                 const Reply& reply) const;

  service::EntityService& entities_;
  service::SubscriptionService& subscriptions_;
  ApiOptions options_;
  const base::Clock& clock_;
  http::Router<Route> router_;
  common::CorrelatorSource correlators_;
};

}  // namespace renkei::api::ngsiv2
