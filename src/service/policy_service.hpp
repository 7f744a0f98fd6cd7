// PolicyService: each tenant's authorization policy (docs/security.md "Authorization
// policies"): read and replaced by its admins, and the auth::PolicySource the authenticator
// evaluates every request against. Policies are cached in memory after their first use; a
// replacement through this service updates the cache once it is durable.
//
// Thread-safety: all methods may be called concurrently from any thread. Callbacks run on the
// store's writer thread and must not block.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth/authenticator.hpp"
#include "service/entity_service.hpp"
#include "service/request_context.hpp"
#include "store/policy_store.hpp"

namespace renkei::service {

class PolicyService : public auth::PolicySource {
 public:
  explicit PolicyService(store::PolicyStore& store) : store_(store) {}

  // ctx.tenant's policy (the empty one when none was stored), for its admins.
  base::Result<std::shared_ptr<const auth::Policy>> Get(const RequestContext& ctx) const;
  // Validates `document` (auth/policy_json.hpp) and stores it in place of ctx.tenant's
  // policy; the callback gets the stored policy.
  void Replace(const RequestContext& ctx, std::string_view document,
               Callback<std::shared_ptr<const auth::Policy>> done);

  base::Result<std::shared_ptr<const auth::Policy>> PolicyFor(
      const std::string& tenant) const override;

 private:
  store::PolicyStore& store_;
  mutable std::mutex mu_;  // guards cache_
  mutable std::unordered_map<std::string, std::shared_ptr<const auth::Policy>> cache_;
};

}  // namespace renkei::service
