#include "service/api_key_service.hpp"

#include <memory>

#include "auth/api_key.hpp"
#include "auth/roles.hpp"
#include "service/access_check.hpp"

namespace renkei::service {
namespace {

constexpr std::size_t kMaxRoles = 20;
constexpr std::size_t kMaxAppLength = 128;

base::Unexpected InvalidKeyRequest(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidApiKeyRequest", std::move(detail));
}

base::Unexpected Rejected(std::string detail) {
  return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized", std::move(detail));
}

base::Result<void> CheckRequest(const RequestContext& ctx, const ApiKeyRequest& request) {
  if (request.roles.empty() || request.roles.size() > kMaxRoles) {
    return InvalidKeyRequest("a key needs 1 to " + std::to_string(kMaxRoles) + " roles");
  }
  for (const auto& role : request.roles) {
    if (!auth::IsValidRoleName(role)) {
      return InvalidKeyRequest("'" + role +
                               "' is not a role name (1-64 letters, digits, '-', '_', '.', ':')");
    }
    // Only a platform operator makes another (docs/security.md "Roles"): a tenant admin
    // cannot raise a key above itself.
    if (role == auth::kPlatformOperatorRole &&
        !(ctx.principal != nullptr && ctx.principal->HasRole(auth::kPlatformOperatorRole))) {
      return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                        "only a platform-operator may issue keys with the platform-operator role");
    }
  }
  if (request.app.size() > kMaxAppLength) {
    return InvalidKeyRequest("the app name is longer than " + std::to_string(kMaxAppLength) +
                             " bytes");
  }
  return base::Ok();
}

}  // namespace

void ApiKeyService::Issue(const RequestContext& ctx, ApiKeyRequest request,
                          Callback<IssuedApiKey> done) {
  if (auto allowed = AuthorizeTenantAdmin(ctx); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  if (auto checked = CheckRequest(ctx, request); !checked) {
    return done(base::Unexpected{checked.error()});
  }
  auto generated = auth::GenerateApiKey();
  if (!generated) return done(base::Unexpected{generated.error()});
  auto issued = std::make_shared<IssuedApiKey>();
  issued->text = std::move(generated->text);
  issued->record.key_id = std::move(generated->key_id);
  issued->record.tenant = ctx.tenant;
  issued->record.app = std::move(request.app);
  issued->record.roles = std::move(request.roles);
  issued->record.secret_hash = auth::HashApiKey(issued->text);
  issued->record.created_at = ctx.now;
  store_.AddApiKey(issued->record, [issued, done = std::move(done)](base::Result<void> stored) {
    if (!stored) return done(base::Unexpected{stored.error()});
    done(std::move(*issued));
  });
}

base::Result<std::vector<store::ApiKeyRecord>> ApiKeyService::List(
    const RequestContext& ctx) const {
  RENKEI_TRY_VOID(AuthorizeTenantAdmin(ctx));
  return store_.ListApiKeys(ctx.tenant);
}

void ApiKeyService::Revoke(const RequestContext& ctx, std::string key_id, Callback<void> done) {
  if (auto allowed = AuthorizeTenantAdmin(ctx); !allowed) return done(allowed);
  Forget(key_id);
  store_.RevokeApiKey(ctx.tenant, key_id, ctx.now,
                      [this, key_id, done = std::move(done)](base::Result<void> revoked) {
                        Forget(key_id);
                        done(std::move(revoked));
                      });
}

void ApiKeyService::Forget(const std::string& key_id) const {
  std::lock_guard lock(mu_);
  cache_.erase(key_id);
  ++forgets_;
}

base::Result<store::ApiKeyRecord> ApiKeyService::Lookup(const std::string& key_id) const {
  const auto now = std::chrono::steady_clock::now();
  std::uint64_t forgets = 0;
  {
    std::lock_guard lock(mu_);
    if (auto it = cache_.find(key_id);
        it != cache_.end() && now - it->second.fetched < timing_.cache_ttl) {
      return it->second.record;
    }
    forgets = forgets_;
  }
  RENKEI_TRY(auto found, store_.FindApiKey(key_id));
  if (!found) return Rejected("unknown API key");
  std::lock_guard lock(mu_);
  // A revocation since the read began may have committed after it: do not keep its record.
  if (forgets == forgets_) cache_[key_id] = Cached{*found, now};
  return std::move(*found);
}

bool ApiKeyService::Revoked(const std::string& key_id) const {
  auto record = Lookup(key_id);
  return !record || record->revoked_at.has_value();
}

void ApiKeyService::TouchIfDue(const store::ApiKeyRecord& record, base::Timestamp now) const {
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(record.key_id);
    const auto& last = it != cache_.end() ? it->second.record.last_used_at : record.last_used_at;
    if (last && now.millis - last->millis < timing_.touch_interval.count()) return;
    if (it != cache_.end()) it->second.record.last_used_at = now;
  }
  store_.TouchApiKey(record.key_id, now, [](base::Result<void>) {
    // Best effort: a lost last-used time is not worth failing the request for.
  });
}

std::optional<base::Result<auth::SharedPrincipal>> ApiKeyService::Verify(
    const auth::Credentials& credentials, const std::string& tenant, base::Timestamp now) const {
  using Answer = base::Result<auth::SharedPrincipal>;
  if (!credentials.api_key) return std::nullopt;
  const auto key_id = auth::ApiKeyIdOf(*credentials.api_key);
  if (!key_id) return Answer(Rejected("the X-Api-Key is not a renkei API key"));
  auto record = Lookup(std::string(*key_id));
  if (!record) return Answer(base::Unexpected{record.error()});
  if (!auth::SameHash(record->secret_hash, auth::HashApiKey(*credentials.api_key))) {
    return Answer(Rejected("unknown API key"));
  }
  if (record->revoked_at) return Answer(Rejected("the API key was revoked"));
  const bool operator_key = std::find(record->roles.begin(), record->roles.end(),
                                      auth::kPlatformOperatorRole) != record->roles.end();
  if (record->tenant != tenant && !operator_key) {
    return Answer(Rejected("the API key belongs to another tenant"));
  }
  TouchIfDue(*record, now);
  auto principal = std::make_shared<auth::Principal>();
  principal->kind = auth::PrincipalKind::kApiKey;
  principal->subject = std::move(record->key_id);
  principal->client_id = std::move(record->app);
  principal->tenant = std::move(record->tenant);
  principal->roles = std::move(record->roles);
  return Answer(auth::SharedPrincipal(std::move(principal)));
}

}  // namespace renkei::service
