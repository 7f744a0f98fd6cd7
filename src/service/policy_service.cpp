#include "service/policy_service.hpp"

#include "auth/policy_json.hpp"
#include "service/access_check.hpp"

namespace renkei::service {

base::Result<std::shared_ptr<const auth::Policy>> PolicyService::PolicyFor(
    const std::string& tenant) const {
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(tenant); it != cache_.end()) return it->second;
  }
  RENKEI_TRY(auto stored, store_.LoadPolicy(tenant));
  auto policy = std::make_shared<auth::Policy>();
  if (stored) {
    auto parsed = auth::ParsePolicy(*stored);
    if (!parsed) {
      // Only validated documents are stored: this is a damaged database, and denying
      // everything is the safe answer.
      return base::Fail(
          base::ErrorCode::kInternalError, "InternalError",
          "the stored policy of tenant '" + tenant + "' is invalid: " + parsed.error().detail);
    }
    *policy = std::move(*parsed);
  }
  std::lock_guard lock(mu_);
  // A replacement that committed meanwhile wins over what this read found.
  auto [it, inserted] = cache_.try_emplace(tenant, std::move(policy));
  return it->second;
}

base::Result<std::shared_ptr<const auth::Policy>> PolicyService::Get(
    const RequestContext& ctx) const {
  RENKEI_TRY_VOID(AuthorizeTenantAdmin(ctx));
  return PolicyFor(ctx.tenant);
}

void PolicyService::Replace(const RequestContext& ctx, std::string_view document,
                            Callback<std::shared_ptr<const auth::Policy>> done) {
  if (auto allowed = AuthorizeTenantAdmin(ctx); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  auto parsed = auth::ParsePolicy(document);
  if (!parsed) return done(base::Unexpected{parsed.error()});
  auto policy = std::make_shared<const auth::Policy>(std::move(*parsed));
  store_.StorePolicy(
      ctx.tenant, auth::PolicyJson(*policy), ctx.now,
      [this, tenant = ctx.tenant, policy, done = std::move(done)](base::Result<void> stored) {
        if (!stored) return done(base::Unexpected{stored.error()});
        {
          std::lock_guard lock(mu_);
          cache_[tenant] = policy;
        }
        done(policy);
      });
}

}  // namespace renkei::service
