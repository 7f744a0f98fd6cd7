// RequestContext: everything a use case needs to know about the caller, built once per
// request by the dialect layer and passed explicitly (no thread-local request state).
#pragma once

#include <string>

#include "base/time.hpp"
#include "store/entity_query.hpp"

namespace renkei::service {

struct RequestContext {
  std::string tenant;              // "" is the default tenant
  std::string service_path = "/";  // where writes land (one path)
  store::ServicePathScope scope;   // what reads and updates may see
  std::string correlator;          // echoed or generated; for logs and notifications
  base::Timestamp now;             // the request's notion of "now" (expiry, system times)
};

}  // namespace renkei::service
