#include "service/personal_data_guard.hpp"

#include "service/access_check.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {

base::Result<PersonalReadDecision> DecideRead(const PersonalDataGuard* guard,
                                              const RequestContext& ctx,
                                              const core::Entity& entity) {
  if (!IsPersonalFor(ctx, entity)) {
    PersonalReadDecision decision;
    decision.allowed = MayRead(ctx, entity);
    return decision;
  }
  if (guard != nullptr) return guard->MayRead(ctx, entity);
  PersonalReadDecision decision;
  decision.personal = true;
  decision.allowed = RouteFor(ctx, entity) == PersonalRoute::kOwner;
  if (decision.allowed) decision.purpose = std::string(kOwnerPurpose);
  return decision;
}

base::Result<PersonalReadDecision> PersonalDataGuard::MayRead(const RequestContext& ctx,
                                                              const core::Entity& entity) const {
  PersonalReadDecision decision;
  switch (RouteFor(ctx, entity)) {
    case PersonalRoute::kNotPersonal:
      decision.allowed = true;
      return decision;
    case PersonalRoute::kOwner:
      decision.personal = true;
      decision.allowed = true;
      decision.purpose = std::string(kOwnerPurpose);
      return decision;
    case PersonalRoute::kRefused:
      decision.personal = true;
      return decision;
    case PersonalRoute::kConsent:
      break;
  }
  decision.personal = true;
  RENKEI_TRY(auto consent,
             consents_.FindLiveConsent(ctx.tenant, *OwnerOf(entity), ctx.principal->client_id,
                                       entity.PrimaryType(), ctx.now));
  if (consent) {
    decision.allowed = true;
    decision.purpose = std::move(consent->purpose);
  }
  return decision;
}

std::string PersonalDataGuard::Purposes::Of(const core::Entity& entity) {
  const auto owner = OwnerOf(entity);
  if (!owner) return "";
  auto key = std::make_pair(*owner, entity.PrimaryType());
  if (auto known = known_.find(key); known != known_.end()) return known->second;
  auto decision = guard_.MayRead(ctx_, entity);
  // The store already applied the rule; a lookup failing now only loses the purpose text.
  std::string purpose = decision ? decision->purpose : "";
  known_.emplace(std::move(key), purpose);
  return purpose;
}

}  // namespace renkei::service
