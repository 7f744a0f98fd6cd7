// AuditTrail: records every access to personal data in the store's audit log (issue 5 item 5,
// docs/security.md "Audit log"). An entity is personal when one of its types is personal in
// its tenant (auth::PersonalTypeSource: the policy's personalTypes and the config's
// personal_types); the resident whose data it is is the value of its `owner` attribute.
// EntityService calls it for reads (each personal entity retrieved or returned by a query,
// with the purpose: "owner" or the consent's; by-id reads the read rule refused, with
// allowed = false) and writes (each personal entity a write unit stored or erased), in both
// dialects.
//
// Appends never hold up the request: records go to the store's writer with the next group
// commit and the request is answered without waiting for it. The price: a crash between a
// write's commit and its record's commit loses the record (docs/security.md says so); a
// failed append is reported to `on_failure` (logged by app/serve.cpp).
// Thread-safety: const methods may be called from any thread.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "auth/authenticator.hpp"
#include "core/entity.hpp"
#include "service/request_context.hpp"
#include "store/audit_store.hpp"
#include "store/entity_store.hpp"

namespace renkei::service {

class AuditTrail {
 public:
  // `personal_types`: nullptr means no type is personal anywhere.
  AuditTrail(store::AuditStore& store, const auth::PersonalTypeSource* personal_types,
             std::function<void(const base::Error&)> on_failure = {})
      : store_(store),
        personal_types_(personal_types),
        on_failure_(std::move(on_failure)),
        no_personal_types_(std::make_shared<const auth::PersonalTypes>()) {}

  // The personal types of ctx's tenant (never nullptr; empty when none or unreadable): the
  // request's own (RequestContext::personal_types) when authentication set them, so an
  // authenticated request looks its policy up once; else the source's (the config's).
  std::shared_ptr<const auth::PersonalTypes> PersonalTypesOf(const RequestContext& ctx) const;
  // Whether any entity type of ctx's tenant is personal (else nothing needs watching).
  bool Watches(const RequestContext& ctx) const;
  // The resident an entity's data belongs to: its `owner` attribute's value ("" when none).
  static std::string ResidentOf(const core::Entity& entity);

  // A record of ctx's caller doing `action` ("read", "write", "delete") on `entity`.
  store::AuditRecord RecordFor(const RequestContext& ctx, std::string_view action,
                               const core::Entity& entity, bool allowed,
                               std::string purpose = {}) const;
  // Appends one record per personal entity among `entities`, with `purpose_of` it when
  // given, and the `refused` records before them.
  using PurposeOf = std::function<std::string(const core::Entity&)>;
  void RecordReads(const RequestContext& ctx, const std::vector<core::Entity>& entities,
                   const PurposeOf& purpose_of = {},
                   std::vector<store::AuditRecord> refused = {}) const;
  // Appends `records` (nothing when empty).
  void Append(std::vector<store::AuditRecord> records) const;

  // Wraps a write unit so that the personal entities it stores or erases are collected;
  // `collected` gets them (set before the unit's done runs).
  store::WriteUnit Watch(const RequestContext& ctx, store::WriteUnit unit,
                         std::shared_ptr<std::vector<store::AuditRecord>> collected) const;

 private:
  store::AuditStore& store_;
  const auth::PersonalTypeSource* personal_types_;
  std::function<void(const base::Error&)> on_failure_;
  // What a tenant without personal types has, shared (asked on every read and write).
  std::shared_ptr<const auth::PersonalTypes> no_personal_types_;
};

}  // namespace renkei::service
