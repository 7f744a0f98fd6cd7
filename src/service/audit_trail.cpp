#include "service/audit_trail.hpp"

#include <boost/json.hpp>

#include <unordered_map>

namespace renkei::service {
namespace {

std::string_view ActorKind(const auth::Principal* principal) {
  if (principal == nullptr) return "none";  // the tenant has authentication off
  return auth::PrincipalKindName(principal->kind);
}

// The write unit's transaction as the unit sees it, noting what it stores and erases.
// Reads inside a write unit are part of the write, not accesses of their own.
class WatchingTransaction final : public store::WriteTransaction {
 public:
  WatchingTransaction(store::WriteTransaction& inner, const AuditTrail& trail,
                      const RequestContext& ctx, std::vector<store::AuditRecord>& records)
      : inner_(inner), trail_(trail), ctx_(ctx), records_(records) {}

  base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                   const std::optional<std::string>& type,
                                                   const store::ServicePathScope& scope,
                                                   std::size_t limit) override {
    auto found = inner_.FindById(id, type, scope, limit);
    if (found) {
      for (const auto& entity : *found) {
        if (trail_.IsPersonal(ctx_.tenant, entity)) seen_[entity.id] = entity;
      }
    }
    return found;
  }
  base::Result<void> Put(const core::Entity& entity) override {
    RENKEI_TRY_VOID(inner_.Put(entity));
    if (trail_.IsPersonal(ctx_.tenant, entity)) {
      records_.push_back(trail_.RecordFor(ctx_, "write", entity, true));
    }
    return base::Ok();
  }
  base::Result<void> Erase(const std::string& id, const std::string& type,
                           const std::string& service_path) override {
    RENKEI_TRY_VOID(inner_.Erase(id, type, service_path));
    // The resident is the one of the entity as the unit found it.
    if (auto it = seen_.find(id); it != seen_.end()) {
      records_.push_back(trail_.RecordFor(ctx_, "delete", it->second, true));
    }
    return base::Ok();
  }
  base::Result<store::EntityPage> Query(const store::EntityQuery& query) override {
    return inner_.Query(query);
  }
  void SetCorrelator(std::string_view correlator) override { inner_.SetCorrelator(correlator); }

 private:
  store::WriteTransaction& inner_;
  const AuditTrail& trail_;
  const RequestContext& ctx_;
  std::vector<store::AuditRecord>& records_;
  std::unordered_map<std::string, core::Entity> seen_;
};

}  // namespace

bool AuditTrail::Watches(const std::string& tenant) const {
  return settings_.types_by_tenant.contains(tenant);
}

bool AuditTrail::IsPersonal(const std::string& tenant, const core::Entity& entity) const {
  const auto found = settings_.types_by_tenant.find(tenant);
  if (found == settings_.types_by_tenant.end()) return false;
  for (const auto& type : entity.types) {
    if (found->second.contains(type)) return true;
  }
  return false;
}

std::string AuditTrail::ResidentOf(const core::Entity& entity) {
  const core::Attribute* owner = entity.Find("owner");
  if (owner == nullptr) return "";
  if (const auto* text = owner->value.if_string()) return std::string(*text);
  return boost::json::serialize(owner->value);
}

store::AuditRecord AuditTrail::RecordFor(const RequestContext& ctx, std::string_view action,
                                         const core::Entity& entity, bool allowed) const {
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
  record.allowed = allowed;
  record.correlator = ctx.correlator;
  return record;
}

void AuditTrail::RecordReads(const RequestContext& ctx,
                             const std::vector<core::Entity>& entities) const {
  if (!Watches(ctx.tenant)) return;
  std::vector<store::AuditRecord> records;
  for (const auto& entity : entities) {
    if (IsPersonal(ctx.tenant, entity)) records.push_back(RecordFor(ctx, "read", entity, true));
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
