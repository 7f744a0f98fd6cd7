#include "notify/subscription_owner.hpp"

#include "notify/json_members.hpp"

namespace renkei::notify {

namespace json = boost::json;

json::object EncodeOwner(const SubscriptionOwner& owner) {
  json::object out;
  out["kind"] = owner.kind;
  out["subject"] = owner.subject;
  out["clientId"] = owner.client_id;
  out["issuer"] = owner.issuer;
  out["tenant"] = owner.tenant;
  json::array roles;
  for (const auto& role : owner.roles) roles.emplace_back(role);
  out["roles"] = std::move(roles);
  out["assuranceLevel"] = owner.assurance_level;
  return out;
}

base::Result<SubscriptionOwner> DecodeOwner(const json::object& o) {
  SubscriptionOwner owner;
  owner.kind = json_members::Str(o, "kind");
  if (owner.kind.empty()) {
    return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                      "corrupt subscription owner");
  }
  owner.subject = json_members::Str(o, "subject");
  owner.client_id = json_members::Str(o, "clientId");
  owner.issuer = json_members::Str(o, "issuer");
  owner.tenant = json_members::Str(o, "tenant");
  if (const auto* roles = o.if_contains("roles"); roles != nullptr && roles->is_array()) {
    for (const auto& role : roles->get_array()) {
      if (role.is_string()) owner.roles.emplace_back(role.get_string());
    }
  }
  if (const auto* level = o.if_contains("assuranceLevel"); level != nullptr && level->is_int64()) {
    owner.assurance_level = static_cast<int>(level->get_int64());
  }
  return owner;
}

}  // namespace renkei::notify
