// ConsentService: residents grant, list and revoke the consents that let an app read their
// personal data (issue 5 item 4, docs/security.md "Personal data and consent"); tenant
// administrators list them. The resident is always the caller: an authenticated
// bearer-token principal of the tenant with a subject (API keys: 403, anonymous: 401).
//
// A revocation takes effect at once: the read rule reads the consents on every read
// (store::PersonalReadScope, PersonalDataGuard), nothing caches them.
// Limits (docs/limits.md): ConsentLimits.
//
// Thread-safety: all methods may be called concurrently from any thread. Callbacks run on the
// store's writer thread and must not block.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "service/entity_service.hpp"
#include "service/request_context.hpp"
#include "store/consent_store.hpp"

namespace renkei::service {

struct ConsentLimits {
  std::size_t max_live_per_resident = 100;  // live consents of one resident in a tenant
  std::size_t max_types = 20;               // types per consent
  std::size_t max_purpose_bytes = 1024;     // UTF-8 bytes of the purpose
  std::size_t max_app_bytes = 128;          // as API keys' app names
  std::int64_t max_duration_days = 730;     // expiresAt at most this far from now
};

struct ConsentRequest {
  std::string app;
  std::vector<std::string> types;
  std::string purpose;
  base::Timestamp expires_at;
};

class ConsentService {
 public:
  explicit ConsentService(store::ConsentStore& store, ConsentLimits limits = {})
      : store_(store), limits_(limits) {}

  // A new consent of the calling resident (kBadRequestData "InvalidConsent" for a bad
  // request: a type that is not personal in the tenant, an empty purpose, an expiry in the
  // past or beyond the maximum; kUnprocessable "TooManyConsents" over the limit).
  void Grant(const RequestContext& ctx, ConsentRequest request,
             Callback<store::ConsentRecord> done);
  // The caller's consents: live ones, or with `all` the revoked and expired ones too.
  base::Result<std::vector<store::ConsentRecord>> ListOwn(const RequestContext& ctx,
                                                          bool all) const;
  // kResourceNotFound when the caller has no unrevoked consent with this id.
  void Revoke(const RequestContext& ctx, std::string id, Callback<void> done);
  // Every resident's consents in ctx.tenant (or one resident's), for its tenant-admin and
  // platform operators.
  base::Result<std::vector<store::ConsentRecord>> ListForTenant(
      const RequestContext& ctx, const std::optional<std::string>& resident, bool all) const;

  const ConsentLimits& limits() const { return limits_; }

 private:
  store::ConsentStore& store_;
  const ConsentLimits limits_;
};

}  // namespace renkei::service
