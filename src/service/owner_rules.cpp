#include "service/owner_rules.hpp"

#include <map>
#include <set>

#include "service/access_check.hpp"
#include "service/forwarding_transaction.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {
namespace {

// The unit's transaction, checking each personal entity it stores against the owner it
// had when the unit read it.
class OwnerCheckingTransaction final : public ForwardingTransaction {
 public:
  OwnerCheckingTransaction(store::WriteTransaction& inner, const RequestContext& ctx)
      : ForwardingTransaction(inner), ctx_(ctx) {}

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const store::ServicePathScope& scope,
                                                   std::size_t limit) override {
    auto found = inner().FindById(id, type, scope, limit);
    if (found) {
      for (const auto& entity : *found) {
        if (!ctx_.personal_types->AnyPersonal(entity.types)) continue;
        if (auto owner = OwnerOf(entity)) owners_[entity.id].insert(std::move(*owner));
      }
    }
    return found;
  }
  base::Result<void> Put(const core::Entity& entity) override {
    RENKEI_TRY_VOID(Check(entity));
    return inner().Put(entity);
  }

 private:
  base::Result<void> Check(const core::Entity& entity) const {
    const auth::PersonalTypes& personal = *ctx_.personal_types;
    if (!personal.AnyPersonal(entity.types)) return base::Ok();
    if (!personal.LevelOf(entity.PrimaryType())) {
      return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                        "entity " + entity.id +
                            ": a personal entity type must be the entity's primary (first) type");
    }
    const auto owner = OwnerOf(entity);
    if (!owner) {
      return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest",
                        "entity " + entity.id + " of personal type " + entity.PrimaryType() +
                            " needs an attribute 'owner' whose value is its resident's id "
                            "(a non-empty string)");
    }
    const auto before = owners_.find(entity.id);
    if (before == owners_.end() || before->second.contains(*owner)) return base::Ok();
    if (IsTenantAdmin(ctx_)) return base::Ok();  // its administrators correct a wrong owner
    return base::Fail(base::ErrorCode::kForbidden, "Forbidden",
                      "the owner of personal entity " + entity.id + " cannot be changed");
  }

  const RequestContext& ctx_;
  std::map<std::string, std::set<std::string>> owners_;  // entity id → owners read
};

}  // namespace

bool OwnerRulesApply(const RequestContext& ctx) {
  return ctx.principal != nullptr && ctx.personal_types != nullptr && !ctx.personal_types->empty();
}

store::WriteUnit WithOwnerRules(const RequestContext& ctx, store::WriteUnit unit) {
  return [ctx, unit = std::move(unit)](store::WriteTransaction& tx) -> base::Result<void> {
    OwnerCheckingTransaction checking(tx, ctx);
    return unit(checking);
  };
}

}  // namespace renkei::service
