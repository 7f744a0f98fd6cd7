#include "service/notification_access.hpp"

#include <memory>

#include "service/personal_data_guard.hpp"

namespace renkei::service {
namespace {

bool NothingMayBeNotified(const core::Entity& /*entity*/) { return false; }

}  // namespace

std::optional<notify::SubscriptionOwner> SubscriptionOwnerOf(const RequestContext& ctx) {
  if (ctx.principal == nullptr) return std::nullopt;
  const auth::Principal& caller = *ctx.principal;
  notify::SubscriptionOwner owner;
  owner.kind = std::string(auth::PrincipalKindName(caller.kind));
  owner.subject = caller.subject;
  owner.client_id = caller.client_id;
  owner.issuer = caller.issuer;
  owner.tenant = caller.tenant;
  owner.roles = caller.roles;
  owner.assurance_level = caller.assurance_level;
  return owner;
}

auth::Principal PrincipalOf(const notify::SubscriptionOwner& owner) {
  auth::Principal principal;
  // An unknown kind (a document from a later version) is the least trusted one.
  principal.kind = auth::ParsePrincipalKind(owner.kind).value_or(auth::PrincipalKind::kAnonymous);
  principal.subject = owner.subject;
  principal.client_id = owner.client_id;
  principal.issuer = owner.issuer;
  principal.tenant = owner.tenant;
  principal.roles = owner.roles;
  principal.assurance_level = owner.assurance_level;
  return principal;
}

notify::EntityCheck NotificationAccess::CheckFor(const std::string& tenant,
                                                 const notify::Subscription& sub) const {
  if (!authenticator_.EnabledFor(tenant)) return {};  // nothing is checked in this tenant
  if (!sub.owner) return NothingMayBeNotified;        // made before authentication was on
  auto principal = std::make_shared<const auth::Principal>(PrincipalOf(*sub.owner));
  if (principal->kind == auth::PrincipalKind::kApiKey && keys_.Revoked(principal->subject)) {
    return NothingMayBeNotified;
  }
  auto access = authenticator_.AccessFor(*principal, tenant);
  if (!access) return NothingMayBeNotified;
  RequestContext ctx;
  ctx.tenant = tenant;
  ctx.service_path = sub.service_path;
  ctx.principal = std::move(principal);
  ctx.permissions = std::move(access->permissions);
  ctx.personal_types = std::move(access->personal_types);
  ctx.now = clock_.Now();
  // The same decision as a by-id read's (personal_data_guard.hpp DecideRead).
  return [ctx = std::move(ctx), personal = personal_](const core::Entity& entity) {
    auto decision = DecideRead(personal, ctx, entity);
    return decision.has_value() && decision->allowed;
  };
}

}  // namespace renkei::service
