// The store interface every backend implements (store/sqlite today, store/postgres later).
// All SQL lives in the backends; callers see entities and queries only.
//
// Reads run on the caller's thread and may run concurrently from many threads; they see
// every write whose completion callback has run. Writes are units of work submitted to the
// backend's writer, which runs each inside a transaction (a failed unit rolls back alone),
// makes it durable, and only then calls its completion callback, on the writer's thread.
// Backends may group several units into one durable commit (group commit).
//
// Tenants are isolated: no read or write under one tenant sees or touches another's data.
// The entity key is (tenant, id, primary type, service path), as Orion keys entities.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "store/entity_query.hpp"
#include "store/import_source.hpp"

namespace renkei::store {

// One attribute name as seen on the entities of a type.
struct TypeAttribute {
  std::string name;
  std::vector<std::string> v2_types;       // the NGSIv2 types it was seen with, sorted
  std::vector<core::AttributeKind> kinds;  // the NGSI-LD kinds it was seen with, in enum order
  std::size_t instance_count = 0;          // instances (each datasetId counts), all entities
};

// A type and the attributes seen on its entities (/v2/types, NGSI-LD /types and /attributes).
// Which types of an entity count when types are listed: its primary one (NGSIv2: an entity
// has one type) or any of them (NGSI-LD §4.17: an entity with several types is an instance
// of each, and discovery, §5.7.5, lists them all).
enum class TypeMembership { kPrimary, kAny };

struct TypeSummary {
  std::string type;
  std::size_t entity_count = 0;
  std::vector<TypeAttribute> attributes;  // sorted by name
};

// Operations available inside one write unit. Reads see the unit's own earlier writes.
class WriteTransaction {
 public:
  virtual ~WriteTransaction() = default;
  // Entities with this id (and type when given) visible in `scope`, at most `limit`.
  virtual base::Result<std::vector<core::Entity>> FindById(const std::string& id,
                                                           const std::optional<std::string>& type,
                                                           const ServicePathScope& scope,
                                                           std::size_t limit) = 0;
  // Inserts, or replaces the entity with the same key.
  virtual base::Result<void> Put(const core::Entity& entity) = 0;
  // Deletes by key; kResourceNotFound when absent.
  virtual base::Result<void> Erase(const std::string& id, const std::string& type,
                                   const std::string& service_path) = 0;
  // Bulk reads and writes (open-data import, docs/adr/0010-bulk-import.md). The defaults
  // loop over FindById and Put, so every backend is correct; a backend overrides them to
  // read a chunk with one query and write it with reused statements.
  //
  // Every entity visible in `scope` whose id is one of `ids` (any type, expired ones too, as
  // FindById in a unit); those of one id in creation order.
  virtual base::Result<std::vector<core::Entity>> FindByIds(const std::vector<std::string>& ids,
                                                            const ServicePathScope& scope);
  // Put of each entity, in order (a later one with the key of an earlier one replaces it).
  // The entities are handed over, so a backend that keeps what a unit wrote (the write log's)
  // keeps them without a copy.
  virtual base::Result<void> PutMany(std::vector<core::Entity> entities);
  // Records (or replaces) the import source of each stored entity with that key; a key with
  // no entity is skipped. A source goes with its entity: erasing or purging the entity
  // removes it, and a new entity under the same key starts without one (ADR 0017).
  virtual base::Result<void> PutImportSources(const std::vector<EntitySource>& sources) = 0;
  // The correlator of the request this unit serves; backends that journal entity changes
  // for notifications (store/subscription_store.hpp) record it with them.
  virtual void SetCorrelator(std::string_view correlator) = 0;
  // The request asked for NGSIv2 `forcedUpdate` (Orion API manual "Update operations"): the
  // backend journals the unit's changes as changes even when no value differs, so that
  // subscriptions are notified.
  virtual void SetForcedUpdate() = 0;
  // The attributes of `entity` (by its key) that the request wrote: created, updated or
  // rewritten with the value they had, not the ones it deleted. Backends that journal entity
  // changes record them with the entity's change (EntityChange::written), so that
  // subscriptions firing on a write whatever it changed (NGSIv2 entityUpdate and
  // condition.attrs, forcedUpdate; NGSI-LD attributeUpdated) know what was written without
  // guessing from modification times; an entity written with names noted is journaled even
  // when its state did not change. Accumulates over the unit; call it beside Put.
  virtual void NoteWrittenAttributes(const core::Entity& entity,
                                     const std::vector<std::string>& names) = 0;
};

using WriteUnit = std::function<base::Result<void>(WriteTransaction&)>;
using WriteDone = std::function<void(base::Result<void>)>;

class EntityStore {
 public:
  virtual ~EntityStore() = default;

  virtual base::Result<std::vector<core::Entity>> FindById(
      const std::string& tenant, const std::string& id, const std::optional<std::string>& type,
      const ServicePathScope& scope, std::size_t limit, base::Timestamp now) = 0;
  virtual base::Result<EntityPage> Query(const std::string& tenant, const EntityQuery& query) = 0;
  // Types visible in scope, sorted by name, paginated; total count of types in `total`.
  virtual base::Result<std::vector<TypeSummary>> ListTypes(const std::string& tenant,
                                                           const ServicePathScope& scope,
                                                           base::Timestamp now, std::size_t offset,
                                                           std::size_t limit, std::size_t* total,
                                                           TypeMembership membership) = 0;

  // The import sources of the tenant's entities whose primary type is `type` and whose
  // ServicePath is in `scope` (expired ones too; ADR 0017). Callers attach them to entities
  // they were allowed to read, by key; a source never shows an entity by itself. Unordered.
  virtual base::Result<std::vector<EntitySource>> ImportSources(const std::string& tenant,
                                                                const std::string& type,
                                                                const ServicePathScope& scope) = 0;

  // Runs `unit` in a transaction for `tenant` on the writer; `done` gets the unit's result
  // after the commit is durable (or the failure). Never blocks the caller for the commit.
  virtual void Submit(std::string tenant, WriteUnit unit, WriteDone done) = 0;
  // Submit for a large unit (a chunk of a bulk import, docs/adr/0010-bulk-import.md): the
  // backend may run it in a transaction of its own instead of grouping it with others, as
  // the rollback point that grouping needs costs more than the commit it saves. Same
  // guarantees as Submit. Default: Submit.
  virtual void SubmitBulk(std::string tenant, WriteUnit unit, WriteDone done) {
    Submit(std::move(tenant), std::move(unit), std::move(done));
  }
  // Convenience for tools and tests: Submit and wait.
  base::Result<void> Write(std::string tenant, WriteUnit unit);

  // Deletes entities whose expires_at <= now; returns how many.
  virtual base::Result<std::size_t> PurgeExpired(base::Timestamp now) = 0;
  // Finishes queued writes and closes the database cleanly. Idempotent.
  virtual void Close() = 0;
};

}  // namespace renkei::store
