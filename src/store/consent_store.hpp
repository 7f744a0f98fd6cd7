// ConsentStore: residents' consents to apps reading their personal data (issue 5 item 4,
// docs/security.md "Personal data and consent"). A consent lets one app (a client id) read
// the resident's entities of the listed personal types, for a purpose, until it expires or
// is revoked. Records are never deleted: a revoked or expired consent stays listed (`?all`)
// as the record of what was allowed when. Keyed by the tenant's name, like API keys.
//
// Entity queries read the consents themselves (EntityQuery::personal, evaluated in the same
// statement), so a revocation is seen by the next read: there is no cache to outlive it.
//
// Writes are units for the backend's writer like entity writes: `done` runs after the commit
// is durable (or with the failure), on the writer's thread, and must not block. Reads may run
// on any thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

struct ConsentRecord {
  std::string id;
  std::string tenant;
  std::string resident;            // the subject of the resident who consented
  std::string app;                 // the client id allowed to read
  std::vector<std::string> types;  // stored personal type names
  std::string purpose;
  base::Timestamp expires_at;
  base::Timestamp created_at;
  std::optional<base::Timestamp> revoked_at;
  bool operator==(const ConsentRecord&) const = default;

  bool LiveAt(base::Timestamp now) const { return !revoked_at && now < expires_at; }
};

struct ConsentFilter {
  std::string tenant;
  std::optional<std::string> resident;  // nullopt: every resident of the tenant
  // nullopt: revoked and expired ones too; otherwise only those live at this time.
  std::optional<base::Timestamp> live_at;
};

class ConsentStore {
 public:
  virtual ~ConsentStore() = default;

  // Stores a new consent unless the resident already has `max_live` consents live at
  // `record.created_at` in the tenant (then kUnprocessable, title "TooManyConsents").
  virtual void AddConsent(ConsentRecord record, std::size_t max_live, WriteDone done) = 0;
  // Marks the resident's consent revoked at `at`; kResourceNotFound when the tenant has no
  // such consent of this resident that is not revoked already.
  virtual void RevokeConsent(std::string tenant, std::string resident, std::string id,
                             base::Timestamp at, WriteDone done) = 0;
  // In creation order.
  virtual base::Result<std::vector<ConsentRecord>> ListConsents(const ConsentFilter& filter) = 0;
  // The newest consent of `resident` to `app` covering `type`, live at `now`.
  virtual base::Result<std::optional<ConsentRecord>> FindLiveConsent(const std::string& tenant,
                                                                     const std::string& resident,
                                                                     const std::string& app,
                                                                     const std::string& type,
                                                                     base::Timestamp now) = 0;
};

}  // namespace renkei::store
