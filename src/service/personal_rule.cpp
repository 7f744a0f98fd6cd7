#include "service/personal_rule.hpp"

#include "service/access_check.hpp"

namespace renkei::service {
namespace {

bool LevelSuffices(const auth::Principal& principal, int level) {
  return principal.assurance_level >= level;
}

bool IsResidentPrincipal(const RequestContext& ctx) {
  const auth::Principal* p = ctx.principal.get();
  return p != nullptr && p->kind == auth::PrincipalKind::kBearerToken && !p->subject.empty() &&
         p->tenant == ctx.tenant;
}

bool HasPersonalTypes(const RequestContext& ctx) {
  return ctx.principal != nullptr && ctx.personal_types != nullptr && !ctx.personal_types->empty();
}

}  // namespace

std::optional<std::string> OwnerOf(const core::Entity& entity) {
  const core::Attribute* owner = nullptr;
  for (const auto& attribute : entity.attributes) {
    if (attribute.name != core::kOwnerAttribute) continue;
    if (owner != nullptr) return std::nullopt;  // several instances: whose is it?
    owner = &attribute;
  }
  if (owner == nullptr) return std::nullopt;
  const auto* text = owner->value.if_string();
  if (text == nullptr || text->empty()) return std::nullopt;
  return std::string(*text);
}

bool IsPersonalFor(const RequestContext& ctx, const core::Entity& entity) {
  return HasPersonalTypes(ctx) && ctx.personal_types->AnyPersonal(entity.types);
}

PersonalRoute RouteFor(const RequestContext& ctx, const core::Entity& entity) {
  if (!IsPersonalFor(ctx, entity)) return PersonalRoute::kNotPersonal;
  const std::string type = entity.PrimaryType();
  const auto level = ctx.personal_types->LevelOf(type);
  // A personal type only among the other types would escape the rule on the primary one
  // (the store's query hides such entities the same way: sql_where.cpp).
  if (!level) return PersonalRoute::kRefused;
  for (std::size_t i = 1; i < entity.types.size(); ++i) {
    if (ctx.personal_types->LevelOf(entity.types[i])) return PersonalRoute::kRefused;
  }
  const auth::Principal& caller = *ctx.principal;
  if (!LevelSuffices(caller, *level)) return PersonalRoute::kRefused;
  const auto owner = OwnerOf(entity);
  if (!owner) return PersonalRoute::kRefused;
  if (IsResidentPrincipal(ctx) && caller.subject == *owner) return PersonalRoute::kOwner;
  if (!caller.client_id.empty() && MayRead(ctx, entity)) return PersonalRoute::kConsent;
  return PersonalRoute::kRefused;
}

bool ActsAsResident(const RequestContext& ctx) {
  return HasPersonalTypes(ctx) && IsResidentPrincipal(ctx);
}

bool IsOwnPersonalEntity(const RequestContext& ctx, const core::Entity& entity) {
  return ActsAsResident(ctx) && RouteFor(ctx, entity) == PersonalRoute::kOwner;
}

std::vector<std::string> OwnReadableTypes(const RequestContext& ctx) {
  std::vector<std::string> types;
  if (!ActsAsResident(ctx)) return types;
  for (const auto& [type, level] : ctx.personal_types->levels) {
    if (LevelSuffices(*ctx.principal, level)) types.push_back(type);
  }
  return types;
}

std::optional<store::PersonalReadScope> PersonalReadScopeFor(const RequestContext& ctx) {
  if (!HasPersonalTypes(ctx)) return std::nullopt;
  const auth::Principal& caller = *ctx.principal;
  store::PersonalReadScope scope;
  scope.tenant = ctx.tenant;
  scope.now = ctx.now;
  scope.own_types = OwnReadableTypes(ctx);
  if (!scope.own_types.empty()) scope.subject = caller.subject;
  for (const auto& [type, level] : ctx.personal_types->levels) {
    scope.types.push_back(type);
    if (!caller.client_id.empty() && LevelSuffices(caller, level) && MayRead(ctx, type)) {
      scope.consent_types.push_back(type);
    }
  }
  if (!scope.consent_types.empty()) scope.app = caller.client_id;
  return scope;
}

}  // namespace renkei::service
