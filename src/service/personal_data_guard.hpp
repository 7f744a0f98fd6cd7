// PersonalDataGuard: the read rule for personal data (personal_rule.hpp) for one entity,
// consent lookup included (docs/security.md "Personal data and consent"). EntityService asks
// it for by-id reads and for the purpose the audit log records; subscription delivery can ask
// it before a notification leaves (MayRead needs only the subscription owner's context).
// Queries do not call it: the store evaluates the same rule (store::PersonalReadScope).
//
// No cache: every answer reads the consents as they are now, so a revocation takes effect
// on the next read.
// Thread-safety: const methods may be called from any thread.
#pragma once

#include <map>
#include <string>
#include <utility>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "service/request_context.hpp"
#include "store/consent_store.hpp"

namespace renkei::service {

struct PersonalReadDecision {
  bool allowed = false;
  bool personal = false;  // the rule applied (else the policy alone decides)
  std::string purpose;    // of an allowed personal read: "owner" or the consent's purpose
};

class PersonalDataGuard;

// Whether ctx's caller may read `entity`: the one per-entity decision, asked by by-id reads
// (EntityService) and for every notified entity (NotificationAccess). A non-personal entity:
// the policy (its type at its ServicePath). A personal one: the personal data rule, through
// `guard`'s consent lookup (nullptr: only the owner's own reads can be allowed). Queries
// apply the same decision in the store (store::PersonalReadScope, EntityQuery::only_grants).
base::Result<PersonalReadDecision> DecideRead(const PersonalDataGuard* guard,
                                              const RequestContext& ctx,
                                              const core::Entity& entity);

class PersonalDataGuard {
 public:
  explicit PersonalDataGuard(store::ConsentStore& consents) : consents_(consents) {}

  // The rule for `entity` read by ctx's caller at ctx.now. A non-personal entity is allowed
  // here (personal = false): the policy's type check still applies to it.
  base::Result<PersonalReadDecision> MayRead(const RequestContext& ctx,
                                             const core::Entity& entity) const;

  // The purposes of reads that the rule allowed, remembered per (resident, type) for one
  // result (a query page): one consent lookup per resident and type, not per entity.
  class Purposes {
   public:
    Purposes(const PersonalDataGuard& guard, const RequestContext& ctx)
        : guard_(guard), ctx_(ctx) {}
    std::string Of(const core::Entity& entity);

   private:
    const PersonalDataGuard& guard_;
    const RequestContext& ctx_;
    std::map<std::pair<std::string, std::string>, std::string> known_;
  };

 private:
  store::ConsentStore& consents_;
};

}  // namespace renkei::service
