// The NGSI-LD write operations of EntityService (entity_service.hpp). NGSI-LD 1.8 §5.6:
// an entity is identified by its id alone, and its attributes follow the LD rules applied
// by the pure functions of ld_attribute_ops.hpp inside EditEntity.
#include "service/entity_service.hpp"

#include <map>
#include <memory>
#include <utility>

#include "service/access_check.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {
namespace {

using base::ErrorCode;

store::ServicePathScope LdWriteScope(const RequestContext& ctx) {
  return store::ServicePathScope{{{ctx.service_path, false}}};
}

// As CheckWritable in entity_service.cpp: writable, hidden (not found) or refused, by the
// stored entity's type and ServicePath; a resident's own personal entity is writable by the
// resident.
base::Result<void> CheckLdWritable(const RequestContext& ctx, const core::Entity& entity) {
  if (IsOwnPersonalEntity(ctx, entity)) return base::Ok();
  auto allowed = Authorize(ctx, auth::Action::kWrite, entity.PrimaryType(), entity.service_path);
  if (!allowed && !MayRead(ctx, entity)) {
    return base::Fail(ErrorCode::kResourceNotFound, "ResourceNotFound",
                      "Entity not found: " + entity.id);
  }
  return allowed;
}

base::Result<std::optional<core::Entity>> FindLive(store::WriteTransaction& tx,
                                                   const RequestContext& ctx,
                                                   const std::string& id) {
  RENKEI_TRY(auto found, tx.FindById(id, std::nullopt, LdWriteScope(ctx), 1));
  if (found.empty()) return std::optional<core::Entity>{};
  if (found.front().expires_at && *found.front().expires_at <= ctx.now) {
    return std::optional<core::Entity>{};
  }
  return std::optional<core::Entity>{std::move(found.front())};
}

void StampNew(std::vector<core::Attribute>& attributes, base::Timestamp now) {
  for (auto& a : attributes) {
    a.created_at = now;
    a.modified_at = now;
    StampNew(a.metadata, now);
  }
}

// What a created entity gets (NGSI-LD 1.8 §4.8: createdAt/modifiedAt are system-set).
void StampCreated(const RequestContext& ctx, core::Entity& entity) {
  entity.service_path = ctx.service_path;
  entity.created_at = ctx.now;
  entity.modified_at = ctx.now;
  StampNew(entity.attributes, ctx.now);
}

// Stores an edited entity with the attributes the edit wrote; the store keys entities by
// (id, primary type, path), so a new primary type re-keys it.
base::Result<void> PutEdited(store::WriteTransaction& tx, const RequestContext& ctx,
                             core::Entity& entity, const std::string& old_type,
                             const std::vector<std::string>& written) {
  entity.modified_at = ctx.now;
  if (entity.PrimaryType() != old_type) {
    RENKEI_TRY_VOID(tx.Erase(entity.id, old_type, entity.service_path));
  }
  tx.NoteWrittenAttributes(entity, written);
  return tx.Put(entity);
}

// One batch item's step with its authorization (docs/security.md "Enforcement"): an existing
// entity must be writable, and what the step creates or updates must be of a type the caller
// may write. A refusal or the step's own error is recorded for the item in `out` and nullopt
// returned: NGSI-LD 1.8 §5.6.7–§5.6.10, one entity's failure does not stop the others.
std::optional<LdBatchApplied> ApplyAuthorizedStep(const RequestContext& ctx,
                                                  const LdBatchItem& item,
                                                  std::optional<core::Entity>& entity,
                                                  LdBatchOutcome& out) {
  if (entity) {
    if (auto allowed = CheckLdWritable(ctx, *entity); !allowed) {
      out.errors.emplace_back(item.id, allowed.error());
      return std::nullopt;
    }
  }
  const auto before = entity ? KeepIfWriteLimited(ctx, *entity) : std::nullopt;
  auto applied = item.step(entity);
  if (!applied) {
    out.errors.emplace_back(item.id, applied.error());
    return std::nullopt;
  }
  const LdBatchEffect effect = applied->effect;
  const bool own = effect == LdBatchEffect::kUpdated && IsOwnPersonalEntity(ctx, *entity);
  if ((effect == LdBatchEffect::kCreated || effect == LdBatchEffect::kUpdated) && !own) {
    // A created entity lands in the request's ServicePath (StampCreated).
    const std::string& path =
        effect == LdBatchEffect::kCreated ? ctx.service_path : entity->service_path;
    if (auto allowed = Authorize(ctx, auth::Action::kWrite, entity->PrimaryType(), path);
        !allowed) {
      out.errors.emplace_back(item.id, allowed.error());
      return std::nullopt;
    }
  }
  // Attributes: what the step adds, changes or (deleting the entity) removes must be
  // writable; otherwise nothing of this item is written.
  base::Result<void> attributes = base::Ok();
  if (effect == LdBatchEffect::kCreated) {
    entity->service_path = ctx.service_path;  // where StampCreated puts it
    attributes = AuthorizeAttributeWrites(ctx, nullptr, &*entity);
  } else if (effect == LdBatchEffect::kUpdated && before) {
    attributes = AuthorizeAttributeWrites(ctx, &*before, &*entity);
  } else if (effect == LdBatchEffect::kDeleted && before) {
    attributes = AuthorizeAttributeWrites(ctx, &*before, nullptr);
  }
  if (!attributes) {
    out.errors.emplace_back(item.id, attributes.error());
    return std::nullopt;
  }
  return std::move(*applied);
}

// The item's outcome once its effect is stored: its partial error, or a success.
void RecordStored(const LdBatchItem& item, LdBatchApplied& applied, LdBatchOutcome& out) {
  if (applied.partial) {
    out.errors.emplace_back(item.id, std::move(*applied.partial));
  } else {
    out.succeeded.push_back(item.id);
  }
}

}  // namespace

void EntityService::CreateUnique(const RequestContext& ctx, core::Entity entity,
                                 Callback<void> done) {
  if (auto allowed = Authorize(ctx, auth::Action::kWrite, entity.PrimaryType(), ctx.service_path);
      !allowed) {
    return done(allowed);
  }
  entity.service_path = ctx.service_path;
  if (auto allowed = AuthorizeAttributeWrites(ctx, nullptr, &entity); !allowed) {
    return done(allowed);
  }
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, entity = std::move(entity)](store::WriteTransaction& tx) mutable -> base::Result<void> {
        RENKEI_TRY(auto existing, FindLive(tx, ctx, entity.id));
        // NGSI-LD 1.8 §5.6.1: an existing id is AlreadyExists, whatever the type.
        if (existing) {
          return base::Fail(ErrorCode::kAlreadyExists, "AlreadyExists",
                            "Entity already exists: " + entity.id);
        }
        StampCreated(ctx, entity);
        return tx.Put(entity);
      },
      std::move(done));
}

void EntityService::EditEntity(const RequestContext& ctx, std::string id, EntityEdit edit,
                               Callback<void> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) return done(allowed);
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, id = std::move(id),
       edit = std::move(edit)](store::WriteTransaction& tx) -> base::Result<void> {
        RENKEI_TRY(auto found, FindLive(tx, ctx, id));
        if (!found) {
          return base::Fail(ErrorCode::kResourceNotFound, "ResourceNotFound",
                            "Entity not found: " + id);
        }
        core::Entity entity = std::move(*found);
        const std::string old_type = entity.PrimaryType();
        RENKEI_TRY_VOID(CheckLdWritable(ctx, entity));
        const auto before = KeepIfWriteLimited(ctx, entity);
        std::vector<std::string> written;
        RENKEI_TRY(const bool changed, edit(entity, written));
        if (!changed) return base::Ok();
        // A type change must be allowed for the new type too (a resident's own entity stays
        // theirs only while it is personal and keeps its owner).
        if (!IsOwnPersonalEntity(ctx, entity)) {
          RENKEI_TRY_VOID(
              Authorize(ctx, auth::Action::kWrite, entity.PrimaryType(), entity.service_path));
        }
        if (before) RENKEI_TRY_VOID(AuthorizeAttributeWrites(ctx, &*before, &entity));
        return PutEdited(tx, ctx, entity, old_type, written);
      },
      std::move(done));
}

void EntityService::LdBatch(const RequestContext& ctx, std::vector<LdBatchItem> items,
                            Callback<LdBatchOutcome> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  struct State {
    LdBatchOutcome outcome;
  };
  auto state = std::make_shared<State>();
  const UnitKind kind = UnitKindForBatch(items.size());
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, state, items = std::move(items)](store::WriteTransaction& tx) -> base::Result<void> {
        auto& out = state->outcome;
        for (const auto& item : items) {
          RENKEI_TRY(auto entity, FindLive(tx, ctx, item.id));
          const std::string old_type = entity ? entity->PrimaryType() : std::string();
          const std::string old_path = entity ? entity->service_path : std::string();
          auto applied = ApplyAuthorizedStep(ctx, item, entity, out);
          if (!applied) continue;
          const LdBatchEffect effect = applied->effect;
          if (effect == LdBatchEffect::kCreated) {
            StampCreated(ctx, *entity);
            RENKEI_TRY_VOID(tx.Put(*entity));
            out.created.push_back(item.id);
          } else if (effect == LdBatchEffect::kUpdated) {
            RENKEI_TRY_VOID(PutEdited(tx, ctx, *entity, old_type, applied->written));
          } else if (effect == LdBatchEffect::kDeleted) {
            RENKEI_TRY_VOID(tx.Erase(item.id, old_type, old_path));
          }
          RecordStored(item, *applied, out);
        }
        return base::Ok();
      },
      [state, done = std::move(done)](base::Result<void> committed) {
        if (!committed) return done(base::Unexpected{committed.error()});
        done(std::move(state->outcome));
      },
      kind);
}

void EntityService::LdBulkUpsert(const RequestContext& ctx, std::vector<LdBatchItem> items,
                                 Callback<LdBatchOutcome> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  auto outcome = std::make_shared<LdBatchOutcome>();
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, outcome, items = std::move(items)](store::WriteTransaction& tx) -> base::Result<void> {
        // What FindLive would give for each id: the first stored (creation order), unless
        // it has expired; later items of the same id see what earlier ones wrote. `uses`
        // counts the items still to come, so the last one takes the entity without a copy.
        struct Live {
          std::optional<core::Entity> entity;
          std::size_t uses = 0;
          bool stored_seen = false;  // the first stored one was taken
        };
        std::map<std::string, Live, std::less<>> live;
        std::vector<std::string> ids;
        ids.reserve(items.size());
        for (const auto& item : items) {
          if (live[item.id].uses++ == 0) ids.push_back(item.id);
        }
        RENKEI_TRY(auto found, tx.FindByIds(ids, LdWriteScope(ctx)));
        for (auto& entity : found) {
          Live& slot = live[entity.id];
          if (slot.stored_seen) continue;
          slot.stored_seen = true;
          const bool expired = entity.expires_at && *entity.expires_at <= ctx.now;
          if (!expired) slot.entity = std::move(entity);
        }
        // Entities to store, written together before any erase so the order stays that of
        // the items.
        std::vector<core::Entity> pending;
        auto flush = [&]() -> base::Result<void> { return tx.PutMany(std::exchange(pending, {})); };
        auto& out = *outcome;
        std::vector<store::EntitySource> sources;
        for (const auto& item : items) {
          auto& slot = live[item.id];
          std::optional<core::Entity> entity =
              --slot.uses == 0 ? std::move(slot.entity) : slot.entity;
          const std::string old_type = entity ? entity->PrimaryType() : std::string();
          const std::string old_path = entity ? entity->service_path : std::string();
          auto applied = ApplyAuthorizedStep(ctx, item, entity, out);
          if (!applied) continue;
          const LdBatchEffect effect = applied->effect;
          if (effect == LdBatchEffect::kCreated) {
            StampCreated(ctx, *entity);
            out.created.push_back(item.id);
          } else if (effect == LdBatchEffect::kUpdated) {
            entity->modified_at = ctx.now;
          }
          const bool rekeyed =
              effect == LdBatchEffect::kUpdated && entity->PrimaryType() != old_type;
          if (effect == LdBatchEffect::kDeleted || rekeyed) {
            RENKEI_TRY_VOID(flush());
            RENKEI_TRY_VOID(tx.Erase(item.id, old_type, old_path));
          }
          if (effect == LdBatchEffect::kUpdated)
            tx.NoteWrittenAttributes(*entity, applied->written);
          // Unchanged entities too: a re-import moves the source even when no value changed.
          if (item.source && effect != LdBatchEffect::kDeleted && entity) {
            sources.push_back(store::EntitySource{item.id, entity->PrimaryType(),
                                                  entity->service_path, *item.source});
          }
          if (effect == LdBatchEffect::kCreated || effect == LdBatchEffect::kUpdated) {
            // The last item of an id hands its entity over; an earlier one keeps it for the
            // next item (slot.entity below).
            if (slot.uses == 0) {
              pending.push_back(std::move(*entity));
            } else {
              pending.push_back(*entity);
            }
          }
          if (slot.uses > 0 && effect != LdBatchEffect::kNone) {
            slot.entity = effect == LdBatchEffect::kDeleted ? std::nullopt : std::move(entity);
          }
          RecordStored(item, *applied, out);
        }
        RENKEI_TRY_VOID(flush());
        // After every entity is written, so each source finds its entity row (a later item
        // of the same id replaces an earlier one's source).
        if (sources.empty()) return base::Ok();
        return tx.PutImportSources(sources);
      },
      [outcome, done = std::move(done)](base::Result<void> committed) {
        if (!committed) return done(base::Unexpected{committed.error()});
        done(std::move(*outcome));
      },
      UnitKind::kBulk);
}

}  // namespace renkei::service
