// AuditTrail: records every access to personal data in the store's audit log (issue 5 item 5,
// docs/security.md "Audit log"). Until personal data types have their own model (authz), an
// entity is personal when its type is listed for its tenant in the config
// (`[auth.tenants."T"] personal_types = [...]`); the resident whose data it is is the value of
// its `owner` attribute. EntityService calls it for reads (each personal entity retrieved or
// returned by a query) and writes (each personal entity a write unit stored or erased), in
// both dialects.
//
// Appends never hold up the request: records go to the store's writer with the next group
// commit and the request is answered without waiting for it. The price: a crash between a
// write's commit and its record's commit loses the record (docs/security.md says so); a
// failed append is reported to `on_failure` (logged by app/serve.cpp).
// Thread-safety: const methods may be called from any thread.
#pragma once

#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/entity.hpp"
#include "service/request_context.hpp"
#include "store/audit_store.hpp"
#include "store/entity_store.hpp"

namespace renkei::service {

struct PersonalDataSettings {
  // Tenant → entity types that hold personal data.
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> types_by_tenant;
};

class AuditTrail {
 public:
  AuditTrail(store::AuditStore& store, PersonalDataSettings settings,
             std::function<void(const base::Error&)> on_failure = {})
      : store_(store), settings_(std::move(settings)), on_failure_(std::move(on_failure)) {}

  // Whether any entity type of `tenant` is personal (else nothing needs watching).
  bool Watches(const std::string& tenant) const;
  bool IsPersonal(const std::string& tenant, const core::Entity& entity) const;
  // The resident an entity's data belongs to: its `owner` attribute's value ("" when none).
  static std::string ResidentOf(const core::Entity& entity);

  // A record of ctx's caller doing `action` ("read", "write", "delete") on `entity`.
  store::AuditRecord RecordFor(const RequestContext& ctx, std::string_view action,
                               const core::Entity& entity, bool allowed) const;
  // Appends one record per personal entity among `entities`.
  void RecordReads(const RequestContext& ctx, const std::vector<core::Entity>& entities) const;
  // Appends `records` (nothing when empty).
  void Append(std::vector<store::AuditRecord> records) const;

  // Wraps a write unit so that the personal entities it stores or erases are collected;
  // `collected` gets them (set before the unit's done runs).
  store::WriteUnit Watch(const RequestContext& ctx, store::WriteUnit unit,
                         std::shared_ptr<std::vector<store::AuditRecord>> collected) const;

 private:
  store::AuditStore& store_;
  const PersonalDataSettings settings_;
  std::function<void(const base::Error&)> on_failure_;
};

}  // namespace renkei::service
