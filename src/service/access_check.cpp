#include "service/access_check.hpp"

#include "auth/roles.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {

base::Unexpected Refusal(const RequestContext& ctx, std::string detail) {
  if (ctx.principal != nullptr && ctx.principal->IsAnonymous()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "authentication required: " + detail);
  }
  return base::Fail(base::ErrorCode::kForbidden, "Forbidden", std::move(detail));
}

base::Result<void> Authorize(const RequestContext& ctx, auth::Action action,
                             std::string_view type) {
  if (ctx.principal == nullptr) return base::Ok();
  if (ctx.permissions != nullptr && ctx.permissions->Allows(action, type)) return base::Ok();
  return Refusal(ctx, "not allowed to " + std::string(auth::ActionName(action)) +
                          " entities of type " + std::string(type));
}

base::Result<void> AuthorizeSome(const RequestContext& ctx, auth::Action action) {
  if (ctx.principal == nullptr) return base::Ok();
  if (ctx.permissions != nullptr && ctx.permissions->AllowsAny(action)) return base::Ok();
  return Refusal(ctx,
                 "not allowed to " + std::string(auth::ActionName(action)) + " in this tenant");
}

base::Result<void> AuthorizeSomeOrOwn(const RequestContext& ctx, auth::Action action) {
  if (ActsAsResident(ctx)) return base::Ok();
  return AuthorizeSome(ctx, action);
}

bool MayRead(const RequestContext& ctx, std::string_view type) {
  // Asked per entity of a result: no refusal text is built for the hidden ones.
  return ctx.principal == nullptr ||
         (ctx.permissions != nullptr && ctx.permissions->Allows(auth::Action::kRead, type));
}

std::optional<std::vector<std::string>> ReadableTypes(const RequestContext& ctx) {
  if (ctx.principal == nullptr) return std::nullopt;
  if (ctx.permissions == nullptr) return std::vector<std::string>{};
  auto types = ctx.permissions->TypesFor(auth::Action::kRead);
  if (!types) return std::nullopt;
  return std::vector<std::string>(types->begin(), types->end());
}

base::Result<void> AuthorizeTenantAdmin(const RequestContext& ctx) {
  if (ctx.principal == nullptr) {
    return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                      "tenant '" + ctx.tenant +
                          "' has authentication off: its API keys and policy are managed with "
                          "the CLI (renkei apikey) once it is turned on");
  }
  const auth::Principal& caller = *ctx.principal;
  if (!caller.IsAnonymous() &&
      (caller.HasRole(auth::kPlatformOperatorRole) ||
       (caller.HasRole(auth::kTenantAdminRole) && caller.tenant == ctx.tenant))) {
    return base::Ok();
  }
  return Refusal(ctx, "only a tenant-admin of tenant '" + ctx.tenant +
                          "' or a platform-operator may manage its API keys and policy");
}

}  // namespace renkei::service
