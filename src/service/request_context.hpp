// RequestContext: everything a use case needs to know about the caller, built once per
// request by the dialect layer and passed explicitly (no thread-local request state).
#pragma once

#include <memory>
#include <string>

#include "auth/personal_types.hpp"
#include "auth/policy.hpp"
#include "auth/principal.hpp"
#include "base/time.hpp"
#include "store/entity_query.hpp"

namespace renkei::service {

struct RequestContext {
  std::string tenant;              // "" is the default tenant
  std::string service_path = "/";  // where writes land (one path)
  store::ServicePathScope scope;   // what reads and updates may see
  std::string correlator;          // echoed or generated; for logs and notifications
  base::Timestamp now;             // the request's notion of "now" (expiry, system times)
  // Who is calling (docs/security.md); nullptr when the tenant has authentication off, so
  // nothing is checked. Set by api/common/request_auth.hpp, read by authorization.
  std::shared_ptr<const auth::Principal> principal;
  // What the principal may do here (auth/policy.hpp), set with it; service/access_check.hpp
  // enforces it. nullptr with a principal set: nothing is allowed (fail closed).
  std::shared_ptr<const auth::Permissions> permissions;
  // The tenant's personal data types (auth/personal_types.hpp), set with the principal;
  // nullptr or empty: no entity of the tenant is personal. service/personal_rule.hpp applies
  // the read rule for them.
  std::shared_ptr<const auth::PersonalTypes> personal_types;
};

}  // namespace renkei::service
