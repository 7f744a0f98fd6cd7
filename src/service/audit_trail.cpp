#include "service/audit_trail.hpp"

#include <boost/json.hpp>

#include <unordered_map>

#include "service/forwarding_transaction.hpp"

namespace renkei::service {
namespace {

std::string_view ActorKind(const auth::Principal* principal) {
  if (principal == nullptr) return "none";  // the tenant has authentication off
  return auth::PrincipalKindName(principal->kind);
}

// The write unit's transaction as the unit sees it, noting what it stores and erases.
// Reads inside a write unit are part of the write, not accesses of their own.
class WatchingTransaction final : public ForwardingTransaction {
 public:
  WatchingTransaction(store::WriteTransaction& inner, const AuditTrail& trail,
                      const RequestContext& ctx, std::vector<store::AuditRecord>& records)
      : ForwardingTransaction(inner),
        trail_(trail),
        ctx_(ctx),
        records_(records),
        personal_(trail.PersonalTypesOf(ctx)) {}

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const store::ServicePathScope& scope,
                                                   std::size_t limit) override {
    auto found = inner().FindById(id, type, scope, limit);
    if (found) {
      for (const auto& entity : *found) {
        if (personal_->AnyPersonal(entity.types)) seen_[entity.id] = entity;
      }
    }
    return found;
  }
  base::Result<void> Put(const core::Entity& entity) override {
    RENKEI_TRY_VOID(inner().Put(entity));
    if (personal_->AnyPersonal(entity.types)) {
      records_.push_back(trail_.RecordFor(ctx_, "write", entity, true));
    }
    return base::Ok();
  }
  base::Result<void> Erase(const std::string& id, const std::string& type,
                           const std::string& service_path) override {
    RENKEI_TRY_VOID(inner().Erase(id, type, service_path));
    // The resident is the one of the entity as the unit found it.
    if (auto it = seen_.find(id); it != seen_.end()) {
      records_.push_back(trail_.RecordFor(ctx_, "delete", it->second, true));
    }
    return base::Ok();
  }

 private:
  const AuditTrail& trail_;
  const RequestContext& ctx_;
  std::vector<store::AuditRecord>& records_;
  std::shared_ptr<const auth::PersonalTypes> personal_;
  std::unordered_map<std::string, core::Entity> seen_;
};

}  // namespace

std::shared_ptr<const auth::PersonalTypes> AuditTrail::PersonalTypesOf(
    const RequestContext& ctx) const {
  if (ctx.personal_types != nullptr) return ctx.personal_types;
  if (personal_types_ != nullptr) {
    auto types = personal_types_->PersonalTypesFor(ctx.tenant);
    if (types && *types != nullptr) return std::move(*types);
    // The policy could not be read (store failure): that request's reads and writes fail the
    // same way, so there is nothing more to record.
    if (!types && on_failure_) on_failure_(types.error());
  }
  return no_personal_types_;
}

bool AuditTrail::Watches(const RequestContext& ctx) const { return !PersonalTypesOf(ctx)->empty(); }

std::string AuditTrail::ResidentOf(const core::Entity& entity) {
  const core::Attribute* owner = entity.Find(core::kOwnerAttribute);
  if (owner == nullptr) return "";
  if (const auto* text = owner->value.if_string()) return std::string(*text);
  return boost::json::serialize(owner->value);
}

store::AuditRecord AuditTrail::RecordFor(const RequestContext& ctx, std::string_view action,
                                         const core::Entity& entity, bool allowed,
                                         std::string purpose) const {
  store::AuditRecord record;
  record.time = ctx.now;
  record.tenant = ctx.tenant;
  const auth::Principal* principal = ctx.principal.get();
  record.actor_kind = std::string(ActorKind(principal));
  if (principal != nullptr) {
    record.actor_subject = principal->subject;
    record.actor_client_id = principal->client_id;
    record.actor_issuer = principal->issuer;
  }
  record.resident = ResidentOf(entity);
  record.action = std::string(action);
  record.entity_id = entity.id;
  record.entity_type = entity.PrimaryType();
  record.purpose = std::move(purpose);
  record.allowed = allowed;
  record.correlator = ctx.correlator;
  return record;
}

void AuditTrail::RecordReads(const RequestContext& ctx, const std::vector<core::Entity>& entities,
                             const PurposeOf& purpose_of,
                             std::vector<store::AuditRecord> refused) const {
  std::vector<store::AuditRecord> records = std::move(refused);
  const auto personal = PersonalTypesOf(ctx);
  if (!personal->empty()) {
    for (const auto& entity : entities) {
      if (!personal->AnyPersonal(entity.types)) continue;
      records.push_back(
          RecordFor(ctx, "read", entity, true, purpose_of ? purpose_of(entity) : std::string()));
    }
  }
  Append(std::move(records));
}

void AuditTrail::Append(std::vector<store::AuditRecord> records) const {
  if (records.empty()) return;
  store_.AppendAudit(std::move(records), [on_failure = on_failure_](base::Result<void> done) {
    if (!done && on_failure) on_failure(done.error());
  });
}

store::WriteUnit AuditTrail::Watch(
    const RequestContext& ctx, store::WriteUnit unit,
    std::shared_ptr<std::vector<store::AuditRecord>> collected) const {
  return [this, ctx, unit = std::move(unit),
          collected = std::move(collected)](store::WriteTransaction& tx) -> base::Result<void> {
    std::vector<store::AuditRecord> records;
    WatchingTransaction watching(tx, *this, ctx, records);
    RENKEI_TRY_VOID(unit(watching));
    *collected = std::move(records);
    return base::Ok();
  };
}

}  // namespace renkei::service
