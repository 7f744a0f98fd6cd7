#include "service/access_check.hpp"

#include <algorithm>

#include "auth/path_prefix.hpp"
#include "auth/roles.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {
namespace {

// Whether the checks apply: a principal (the tenant has authentication on). A principal
// without permissions is allowed nothing.
bool Unchecked(const RequestContext& ctx) { return ctx.principal == nullptr; }

void CollectAttributes(const core::q::Node& node, std::vector<std::string>& names) {
  if (node.kind == core::q::Node::Kind::kCondition) {
    names.push_back(node.condition.path.attribute);
    return;
  }
  for (const auto& child : node.children) CollectAttributes(*child, names);
}

// The attribute names a query's result depends on besides those it returns.
std::vector<std::string> QueriedAttributes(const store::EntityQuery& query) {
  std::vector<std::string> names;
  if (!query.q.empty()) CollectAttributes(*query.q.root(), names);
  if (!query.mq.empty()) CollectAttributes(*query.mq.root(), names);
  for (const auto& key : query.order) {
    if (key.field == store::OrderKey::Field::kAttribute) names.push_back(key.attribute);
  }
  if (!query.geo_attribute.empty()) names.push_back(query.geo_attribute);
  return names;
}

// The exact primary types a query selects, or nullopt when it may select any type
// (no selector, a pattern, or NGSI-LD's match on secondary types).
std::optional<std::vector<std::string>> ExactTypes(const store::EntityQuery& query) {
  if (query.selectors.empty()) return std::nullopt;
  std::vector<std::string> types;
  for (const auto& s : query.selectors) {
    if (!s.type || s.type_pattern || s.type_in_any) return std::nullopt;
    types.push_back(*s.type);
  }
  return types;
}

// Whether every instance of attribute `name` is the same in both entities.
bool SameInstances(const core::Entity& a, const core::Entity& b, const std::string& name) {
  auto next = [&name](const std::vector<core::Attribute>& list, std::size_t& i) {
    while (i < list.size() && list[i].name != name) ++i;
    return i < list.size() ? &list[i++] : nullptr;
  };
  std::size_t i = 0;
  std::size_t j = 0;
  for (;;) {
    const core::Attribute* x = next(a.attributes, i);
    const core::Attribute* y = next(b.attributes, j);
    if (x == nullptr || y == nullptr) return x == y;
    if (!(*x == *y)) return false;
  }
}

}  // namespace

base::Unexpected Refusal(const RequestContext& ctx, std::string detail) {
  if (ctx.principal != nullptr && ctx.principal->IsAnonymous()) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "authentication required: " + detail);
  }
  return base::Fail(base::ErrorCode::kForbidden, "Forbidden", std::move(detail));
}

base::Result<void> Authorize(const RequestContext& ctx, auth::Action action,
                             std::string_view type) {
  if (Unchecked(ctx)) return base::Ok();
  if (ctx.permissions != nullptr && ctx.permissions->Allows(action, type)) return base::Ok();
  return Refusal(ctx, "not allowed to " + std::string(auth::ActionName(action)) +
                          " entities of type " + std::string(type));
}

base::Result<void> Authorize(const RequestContext& ctx, auth::Action action, std::string_view type,
                             std::string_view service_path) {
  if (Unchecked(ctx)) return base::Ok();
  if (ctx.permissions != nullptr && ctx.permissions->Allows(action, type, service_path)) {
    return base::Ok();
  }
  return Refusal(ctx, "not allowed to " + std::string(auth::ActionName(action)) +
                          " entities of type " + std::string(type) + " in ServicePath " +
                          std::string(service_path));
}

base::Result<void> AuthorizeSome(const RequestContext& ctx, auth::Action action) {
  if (Unchecked(ctx)) return base::Ok();
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
  return Unchecked(ctx) ||
         (ctx.permissions != nullptr && ctx.permissions->Allows(auth::Action::kRead, type));
}

bool MayRead(const RequestContext& ctx, const core::Entity& entity) {
  return Unchecked(ctx) ||
         (ctx.permissions != nullptr &&
          ctx.permissions->Allows(auth::Action::kRead, entity.PrimaryType(), entity.service_path));
}

bool ReadsLimited(const RequestContext& ctx) { return ReadGrants(ctx).has_value(); }

std::optional<std::vector<store::ReadGrant>> ReadGrants(const RequestContext& ctx) {
  if (Unchecked(ctx)) return std::nullopt;
  std::vector<store::ReadGrant> out;
  if (ctx.permissions == nullptr) return out;
  for (const auto& grant : ctx.permissions->GrantsFor(auth::Action::kRead)) {
    if (grant.every_type && grant.path_prefixes.empty()) return std::nullopt;
    store::ReadGrant read;
    if (!grant.every_type) read.types.emplace(grant.types.begin(), grant.types.end());
    // A prefix covers itself and its descendants: the recursive scope "/a/#".
    for (const auto& prefix : grant.path_prefixes) read.paths.paths.push_back({prefix, true});
    out.push_back(std::move(read));
  }
  return out;
}

std::optional<store::ServicePathScope> ReadableScope(const RequestContext& ctx) {
  auto grants = ReadGrants(ctx);
  if (!grants) return ctx.scope;
  std::vector<std::string> prefixes;
  for (const auto& grant : *grants) {
    if (grant.paths.paths.empty()) return ctx.scope;  // some type at every path
    for (const auto& p : grant.paths.paths) prefixes.push_back(p.path);
  }
  // Each requested path (or subtree) meets each prefix's subtree in the deeper of the two,
  // or not at all.
  const std::vector<store::ServicePathScope::Path> everything = {{"/", true}};
  const auto& asked = ctx.scope.paths.empty() ? everything : ctx.scope.paths;
  store::ServicePathScope out;
  for (const auto& path : asked) {
    for (const auto& prefix : prefixes) {
      if (auth::PathUnder(prefix, path.path)) {
        out.paths.push_back(path);
      } else if (path.recursive && auth::PathUnder(path.path, prefix)) {
        out.paths.push_back({prefix, true});
      }
    }
  }
  if (out.paths.empty()) return std::nullopt;
  return out;
}

void HideAttributes(const RequestContext& ctx, core::Entity& entity) {
  if (Unchecked(ctx) || ctx.permissions == nullptr) return;
  const auth::Permissions& permissions = *ctx.permissions;
  const std::string& type = entity.PrimaryType();
  if (!permissions.LimitsAttributes(auth::Action::kRead, type, entity.service_path)) return;
  std::erase_if(entity.attributes, [&](const core::Attribute& attribute) {
    return !permissions.AllowsAttribute(auth::Action::kRead, type, entity.service_path,
                                        attribute.name);
  });
}

base::Result<void> AuthorizeQueryAttributes(const RequestContext& ctx,
                                            const store::EntityQuery& query) {
  if (Unchecked(ctx) || ctx.permissions == nullptr) return base::Ok();
  const auto& grants = ctx.permissions->GrantsFor(auth::Action::kRead);
  const bool limited = std::any_of(grants.begin(), grants.end(), [](const auth::ScopedGrant& g) {
    return !g.attributes.empty();
  });
  if (!limited) return base::Ok();
  const auto types = ExactTypes(query);
  auto relevant = [&types](const auth::ScopedGrant& grant) {
    if (grant.attributes.empty()) return false;
    if (!types) return true;
    return std::any_of(types->begin(), types->end(),
                       [&](const std::string& type) { return grant.CoversType(type); });
  };
  for (const auto& name : QueriedAttributes(query)) {
    for (const auto& grant : grants) {
      if (relevant(grant) && !grant.attributes.contains(name)) {
        return Refusal(ctx, "not allowed to read attribute " + name +
                                ", so it cannot be used in q, mq, orderBy or geoproperty");
      }
    }
  }
  return base::Ok();
}

bool WriteLimitsAttributes(const RequestContext& ctx, const core::Entity& entity) {
  return !Unchecked(ctx) && ctx.permissions != nullptr &&
         ctx.permissions->LimitsAttributes(auth::Action::kWrite, entity.PrimaryType(),
                                           entity.service_path);
}

std::optional<core::Entity> KeepIfWriteLimited(const RequestContext& ctx,
                                               const core::Entity& entity) {
  if (!WriteLimitsAttributes(ctx, entity)) return std::nullopt;
  return entity;
}

base::Result<void> AuthorizeAttributeWrites(const RequestContext& ctx, const core::Entity* before,
                                            const core::Entity* after) {
  const core::Entity& subject = after != nullptr ? *after : *before;
  if (!WriteLimitsAttributes(ctx, subject)) return base::Ok();
  const core::Entity none;
  const core::Entity& old_state = before != nullptr ? *before : none;
  const core::Entity& new_state = after != nullptr ? *after : none;
  auto check = [&](const std::string& name) -> base::Result<void> {
    if (SameInstances(old_state, new_state, name)) return base::Ok();
    if (ctx.permissions->AllowsAttribute(auth::Action::kWrite, subject.PrimaryType(),
                                         subject.service_path, name)) {
      return base::Ok();
    }
    // The whole request is refused: nothing of it is written (docs/security.md).
    return Refusal(ctx, "not allowed to write attribute " + name + " of entities of type " +
                            subject.PrimaryType());
  };
  for (const auto& attribute : new_state.attributes) RENKEI_TRY_VOID(check(attribute.name));
  for (const auto& attribute : old_state.attributes) RENKEI_TRY_VOID(check(attribute.name));
  return base::Ok();
}

bool IsTenantAdmin(const RequestContext& ctx) {
  return ctx.principal != nullptr && auth::HasBuiltInRoleIn(*ctx.principal, ctx.tenant);
}

base::Result<void> AuthorizeTenantAdmin(const RequestContext& ctx) {
  if (ctx.principal == nullptr) {
    return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                      "tenant '" + ctx.tenant +
                          "' has authentication off: its API keys and policy are managed with "
                          "the CLI (renkei apikey) once it is turned on");
  }
  if (IsTenantAdmin(ctx)) return base::Ok();
  return Refusal(ctx, "only a tenant-admin of tenant '" + ctx.tenant +
                          "' or a platform-operator may manage its API keys and policy");
}

}  // namespace renkei::service
