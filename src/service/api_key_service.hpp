// ApiKeyService: API keys of apps and devices (docs/security.md "API keys"): issue, list and
// revoke them for a tenant's admins, and verify them as the X-Api-Key CredentialVerifier.
//
// Verified records are cached in memory for `cache_ttl`, so a request costs no store read.
// Revocation through this service takes effect at once (the entry is dropped before and after
// the store commits, and a lookup racing with it does not re-cache the old record); a key
// revoked by another process (the CLI) stops working within `cache_ttl`. A key's last-used
// time is written at most once per `touch_interval`, never on every request.
//
// Thread-safety: all methods may be called concurrently from any thread. Callbacks run on the
// store's writer thread and must not block.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "auth/authenticator.hpp"
#include "service/entity_service.hpp"
#include "service/request_context.hpp"
#include "store/api_key_store.hpp"

namespace renkei::service {

struct ApiKeyRequest {
  std::string app;  // "" when unnamed
  std::vector<std::string> roles;
};

struct IssuedApiKey {
  store::ApiKeyRecord record;
  std::string text;  // the key itself: shown once, never stored
};

struct ApiKeyTiming {
  std::chrono::milliseconds cache_ttl{30'000};
  std::chrono::milliseconds touch_interval{60'000};
};

class ApiKeyService : public auth::CredentialVerifier {
 public:
  explicit ApiKeyService(store::ApiKeyStore& store, ApiKeyTiming timing = {})
      : store_(store), timing_(timing) {}

  // A new key for ctx.tenant. The caller must be its tenant admin or a platform operator;
  // only a platform operator may give the platform-operator role (no escalation). Roles
  // must be valid names (auth/roles.hpp), at least one, at most 20; the app at most 128 bytes.
  void Issue(const RequestContext& ctx, ApiKeyRequest request, Callback<IssuedApiKey> done);
  // ctx.tenant's keys (no secrets: the store has none), revoked ones included.
  base::Result<std::vector<store::ApiKeyRecord>> List(const RequestContext& ctx) const;
  // kResourceNotFound when ctx.tenant has no unrevoked key with this id.
  void Revoke(const RequestContext& ctx, std::string key_id, Callback<void> done);

  // Whether the key `key_id` is revoked or unknown (a stored subscription owner's key,
  // notification_access.hpp). Read through the same cache as Verify: revocations through
  // this service count at once, others within cache_ttl. Store errors count as revoked.
  bool Revoked(const std::string& key_id) const;

  // X-Api-Key (auth::CredentialVerifier).
  std::optional<base::Result<auth::SharedPrincipal>> Verify(const auth::Credentials& credentials,
                                                            const std::string& tenant,
                                                            base::Timestamp now) const override;

 private:
  struct Cached {
    store::ApiKeyRecord record;
    std::chrono::steady_clock::time_point fetched;
  };
  base::Result<store::ApiKeyRecord> Lookup(const std::string& key_id) const;
  void Forget(const std::string& key_id) const;
  void TouchIfDue(const store::ApiKeyRecord& record, base::Timestamp now) const;

  store::ApiKeyStore& store_;
  const ApiKeyTiming timing_;
  mutable std::mutex mu_;  // guards cache_, forgets_
  mutable std::unordered_map<std::string, Cached> cache_;
  mutable std::uint64_t forgets_ = 0;  // bumped on every revocation
};

}  // namespace renkei::service
