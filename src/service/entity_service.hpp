// EntityService: the entity use cases both dialects call (create, retrieve, query, update,
// replace, delete, batch). Each write is one store write unit, so it is atomic and
// acknowledged only after a durable commit. Reads run on the calling thread.
//
// Thread-safety: all methods may be called concurrently from any thread. Callbacks of
// write methods run on the store's writer thread and must not block.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "service/attribute_changes.hpp"
#include "service/audit_trail.hpp"
#include "service/personal_data_guard.hpp"
#include "service/request_context.hpp"
#include "store/entity_store.hpp"

namespace renkei::service {

template <typename T>
using Callback = std::function<void(base::Result<T>)>;

struct EntityKey {
  std::string id;
  std::optional<std::string> type;
};

enum class BatchAction { kAppend, kAppendStrict, kUpdate, kDelete, kReplace };

// One entity's outcome in a batch where something went wrong for it.
struct BatchProblem {
  std::string entity;                   // "id" or "id/type" as the request named it
  bool entity_missing = false;          // "[entity itself]"
  std::vector<std::string> attributes;  // missing (update/delete) or existing (appendStrict)
  bool applied_some = false;            // other attributes of this entity were applied
};

// One entity of an NGSI-LD batch (NGSI-LD 1.8 §5.6.7–§5.6.10, §5.6.20): what its step did.
enum class LdBatchEffect { kNone, kCreated, kUpdated, kDeleted };
// What a step did; `partial` is set when it stored the entity but left part of the element
// out (batch update with noOverwrite, §5.6.9): the entity is then reported among the errors
// with that problem, although its other changes are stored.
struct LdBatchApplied {
  explicit LdBatchApplied(LdBatchEffect e) : effect(e) {}
  LdBatchEffect effect;
  std::optional<base::Error> partial;
  std::vector<std::string> written;  // kUpdated: the attributes the step wrote (EntityEdit)
};
// Gets the live stored entity with the item's id (nullopt: none) and makes it what is to be
// stored (kCreated, kUpdated), or says to erase it (kDeleted) or leave it (kNone). An error
// concerns this entity alone: nothing of it is written, the other items go on.
using LdBatchStep = std::function<base::Result<LdBatchApplied>(std::optional<core::Entity>&)>;
struct LdBatchItem {
  std::string id;
  LdBatchStep step;
  // LdBulkUpsert only: where the item was imported from, recorded with the entity in the
  // same unit when its step leaves one stored (created, updated or unchanged; ADR 0017).
  std::optional<store::ImportSource> source = std::nullopt;
};
// Per-item outcomes in request order: `created` ids (kCreated), `succeeded` ids (every
// item without error, created ones included), `errors` (id, error; partial steps too).
struct LdBatchOutcome {
  std::vector<std::string> created;
  std::vector<std::string> succeeded;
  std::vector<std::pair<std::string, base::Error>> errors;
};

struct BatchOutcome {
  std::size_t succeeded = 0;  // entities fully applied
  std::vector<BatchProblem> problems;
  // What kind of problem (for the dialect's wording): attributes that do not exist
  // (update, delete, replace) or that already exist (appendStrict).
  bool problems_are_existing = false;
};

class EntityService {
 public:
  // `audit`: records accesses to personal data (service/audit_trail.hpp); nullptr: none.
  // `personal`: the consent lookup of the read rule for personal data (personal_rule.hpp);
  // nullptr: by-id reads of personal entities are allowed to their owner only (queries
  // apply the whole rule in the store either way).
  explicit EntityService(store::EntityStore& store, const AuditTrail* audit = nullptr,
                         const PersonalDataGuard* personal = nullptr)
      : store_(store), audit_(audit), personal_(personal) {}

  // The one entity with this key visible in ctx.scope. kResourceNotFound when none,
  // kConflict when the id matches several entities (no type given). Entities the caller may
  // not read (policy, personal data rule) are not there for it; the personal ones refused
  // are recorded in the audit log as denied reads.
  base::Result<core::Entity> Retrieve(const RequestContext& ctx, const EntityKey& key) const;
  base::Result<store::EntityPage> Query(const RequestContext& ctx, store::EntityQuery query) const;
  base::Result<std::vector<store::TypeSummary>> ListTypes(
      const RequestContext& ctx, std::size_t offset, std::size_t limit, std::size_t* total,
      store::TypeMembership membership = store::TypeMembership::kPrimary) const;
  // The import sources of the tenant's entities of primary type `type` in ctx.scope (ADR
  // 0017): for callers that attach them, by key, to the entities Query gave them. Needs the
  // right to read the type somewhere.
  base::Result<std::vector<store::EntitySource>> ImportSources(const RequestContext& ctx,
                                                               const std::string& type) const;
  // kResourceNotFound when no entity of this type is visible.
  base::Result<store::TypeSummary> DescribeType(
      const RequestContext& ctx, const std::string& type,
      store::TypeMembership membership = store::TypeMembership::kPrimary) const;

  // Creates `entity` in ctx.service_path. With `upsert`, an existing entity gets the
  // attributes appended/updated instead, with `metadata_given[i]` telling whether attribute i
  // carried a "metadata" member (metadata merge rules) and `options` (overrideMetadata,
  // forcedUpdate) applying as to POST /attrs. The callback gets true when a new entity was
  // made.
  void Create(const RequestContext& ctx, core::Entity entity, std::vector<bool> metadata_given,
              bool upsert, WriteOptions options, Callback<bool> done);
  void WriteAttributes(const RequestContext& ctx, EntityKey key,
                       std::vector<AttributeChange> changes, AttributeWriteMode mode,
                       WriteOptions options, Callback<void> done);
  // Replaces all attributes (PUT /attrs): the entity keeps id, type and creation time.
  void ReplaceAttributes(const RequestContext& ctx, EntityKey key,
                         std::vector<core::Attribute> attributes, WriteOptions options,
                         Callback<void> done);
  void DeleteEntity(const RequestContext& ctx, EntityKey key, Callback<void> done);
  void DeleteAttribute(const RequestContext& ctx, EntityKey key, std::string attribute,
                       Callback<void> done);
  // Several entities in one unit. Entities are applied independently; the outcome lists
  // those that failed. The whole batch is one durable commit.
  void Batch(const RequestContext& ctx, BatchAction action, std::vector<core::Entity> entities,
             std::vector<std::vector<bool>> metadata_given, WriteOptions options,
             Callback<BatchOutcome> done);

  // NGSI-LD writes (entity_service_ld.cpp). In NGSI-LD an id names one entity whatever its
  // types, so lookups ignore the type.
  //
  // Creates `entity` in ctx.service_path with system times stamped; kAlreadyExists when an
  // entity with this id exists (any type). No NGSIv2 location or dateExpires rules apply.
  void CreateUnique(const RequestContext& ctx, core::Entity entity, Callback<void> done);
  // Read-modify-write of the one entity with key.id in one write unit: `edit` gets the
  // stored entity and returns whether it changed it (then it is stored with modified_at =
  // ctx.now; a changed primary type re-keys it), or an error (nothing is written); it adds
  // the names of the attributes it wrote to `written` (for subscriptions,
  // WriteTransaction::NoteWrittenAttributes). kResourceNotFound when no such entity. `edit`
  // runs on the store's writer thread.
  using EntityEdit =
      std::function<base::Result<bool>(core::Entity&, std::vector<std::string>& written)>;
  void EditEntity(const RequestContext& ctx, std::string id, EntityEdit edit, Callback<void> done);
  // An NGSI-LD batch: every item's step in request order, all in one write unit (one durable
  // commit). A step's error is that item's outcome and rolls back nothing else; a store
  // error fails the whole unit. Created entities get service_path and system times
  // stamped; updated ones modified_at = ctx.now (a changed primary type re-keys). A later
  // item with the id of an earlier one sees what the earlier one wrote.
  void LdBatch(const RequestContext& ctx, std::vector<LdBatchItem> items,
               Callback<LdBatchOutcome> done);
  // LdBatch for many items (the open-data import, docs/adr/0010-bulk-import.md): the same
  // steps and outcome, but the unit reads the stored entities of all items with one
  // WriteTransaction::FindByIds and writes them together with PutMany. Same results as
  // LdBatch, repeated ids included. Items with a `source` have it recorded in the same unit
  // for the entity they leave stored (WriteTransaction::PutImportSources).
  void LdBulkUpsert(const RequestContext& ctx, std::vector<LdBatchItem> items,
                    Callback<LdBatchOutcome> done);

 private:
  store::EntityStore& store_;
  const AuditTrail* audit_;
  const PersonalDataGuard* personal_;
};

// How the store runs a unit: grouped with others under a savepoint each, or alone in its own
// transaction (EntityStore::SubmitBulk, for large units: docs/adr/0010-bulk-import.md).
enum class UnitKind { kGrouped, kBulk };

// Batches of at least this many entities (NGSIv2 op/update, NGSI-LD entityOperations) run as
// bulk units: the savepoint that grouping needs costs SQLite more the more the unit writes
// (docs/adr/0013, "Decision" 3), and a batch this large saves little by sharing a commit.
inline constexpr std::size_t kBulkBatchEntities = 32;
inline UnitKind UnitKindForBatch(std::size_t entities) {
  return entities >= kBulkBatchEntities ? UnitKind::kBulk : UnitKind::kGrouped;
}

// Submits `unit` for ctx's tenant with ctx's correlator set on its transaction (the change
// journal records it for the notifications the write causes) and the owner rules of personal
// entities applied to what it stores (owner_rules.hpp).
void SubmitUnit(store::EntityStore& store, const RequestContext& ctx, store::WriteUnit unit,
                store::WriteDone done, UnitKind kind = UnitKind::kGrouped);

// The same, recording the personal entities the unit stores or erases in the audit log after
// it commits (nothing more when `audit` is nullptr or does not watch ctx's tenant).
void SubmitUnit(store::EntityStore& store, const AuditTrail* audit, const RequestContext& ctx,
                store::WriteUnit unit, store::WriteDone done, UnitKind kind = UnitKind::kGrouped);

// "E" or "E/T": how Orion names an entity in error descriptions.
std::string DescribeEntity(const EntityKey& key);

}  // namespace renkei::service
