#include "service/entity_service.hpp"

#include <algorithm>
#include <limits>
#include <memory>

#include "service/access_check.hpp"
#include "service/owner_rules.hpp"
#include "service/personal_rule.hpp"

namespace renkei::service {
namespace {

using base::ErrorCode;

base::Unexpected NotFound() {
  return base::Fail(ErrorCode::kResourceNotFound, "NotFound",
                    "The requested entity has not been found. Check type and id");
}

base::Unexpected TooMany() {
  return base::Fail(ErrorCode::kConflict, "TooManyResults",
                    "More than one matching entity. Please refine your query");
}

// Writes go to exactly one ServicePath (Orion: one path in update headers).
store::ServicePathScope WriteScope(const RequestContext& ctx) {
  return store::ServicePathScope{{{ctx.service_path, false}}};
}

base::Result<core::Entity> FindOne(store::WriteTransaction& tx, const RequestContext& ctx,
                                   const EntityKey& key) {
  RENKEI_TRY(auto found, tx.FindById(key.id, key.type, WriteScope(ctx), 2));
  if (found.empty()) return NotFound();
  if (found.size() > 1) return TooMany();
  if (found.front().expires_at && *found.front().expires_at <= ctx.now) return NotFound();
  return std::move(found.front());
}

// Authorization of a write to a stored entity (docs/security.md "Enforcement"): a type the
// caller may write is written (devices may write what they cannot read); one it may neither
// write nor read is answered as if the entity did not exist; one it only reads is refused.
// Types and ServicePaths alike: the entity's type at its path. A resident manages their own
// personal entities without a grant (personal_rule.hpp).
base::Result<void> CheckWritable(const RequestContext& ctx, const core::Entity& entity) {
  if (IsOwnPersonalEntity(ctx, entity)) return base::Ok();
  auto allowed = Authorize(ctx, auth::Action::kWrite, entity.PrimaryType(), entity.service_path);
  if (!allowed && !MayRead(ctx, entity)) return NotFound();
  return allowed;
}

// The write from `before` (KeepIfWriteLimited) to `after` touches only writable attributes.
base::Result<void> CheckAttributeWrites(const RequestContext& ctx,
                                        const std::optional<core::Entity>& before,
                                        const core::Entity& after) {
  if (!before) return base::Ok();
  return AuthorizeAttributeWrites(ctx, &*before, &after);
}

base::Result<core::Entity> FindWritable(store::WriteTransaction& tx, const RequestContext& ctx,
                                        const EntityKey& key) {
  RENKEI_TRY(auto entity, FindOne(tx, ctx, key));
  RENKEI_TRY_VOID(CheckWritable(ctx, entity));
  return entity;
}

std::string NewEntityType(const core::Entity& entity) {
  return entity.types.empty() ? std::string(core::kDefaultEntityType) : entity.PrimaryType();
}

std::string JoinNames(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

// Moves a dateExpires attribute of a new entity onto the entity's expiry.
base::Result<void> TakeDateExpires(core::Entity& entity) {
  auto* attr = entity.Find(kDateExpires);
  if (attr == nullptr) return base::Ok();
  if (!attr->value.is_null()) {
    auto t = attr->value.is_string() ? base::ParseIso8601(attr->value.get_string()) : std::nullopt;
    if (!t) {
      return base::Fail(ErrorCode::kBadRequestData, "BadRequest", "date has invalid format");
    }
    entity.expires_at = *t;
  }
  entity.Erase(kDateExpires);
  return base::Ok();
}

// Stores `entity` with the attributes this request wrote on it (created, updated or
// rewritten unchanged), for subscriptions (WriteTransaction::NoteWrittenAttributes).
base::Result<void> PutWritten(store::WriteTransaction& tx, const core::Entity& entity,
                              const std::vector<std::string>& written) {
  tx.NoteWrittenAttributes(entity, written);
  return tx.Put(entity);
}

// What ApplyAttributeChanges wrote.
std::vector<std::string> WrittenBy(const ChangeReport& report) {
  std::vector<std::string> written = report.updated;
  written.insert(written.end(), report.created.begin(), report.created.end());
  return written;
}

// Every attribute of a replaced entity is written.
std::vector<std::string> AttributeNames(const core::Entity& entity) {
  std::vector<std::string> names;
  names.reserve(entity.attributes.size());
  for (const auto& a : entity.attributes) names.push_back(a.name);
  return names;
}

}  // namespace

void SubmitUnit(store::EntityStore& store, const RequestContext& ctx, store::WriteUnit unit,
                store::WriteDone done, UnitKind kind) {
  if (OwnerRulesApply(ctx)) unit = WithOwnerRules(ctx, std::move(unit));
  store::WriteUnit with_correlator = [correlator = ctx.correlator,
                                      unit = std::move(unit)](store::WriteTransaction& tx) {
    tx.SetCorrelator(correlator);
    return unit(tx);
  };
  if (kind == UnitKind::kBulk) {
    store.SubmitBulk(ctx.tenant, std::move(with_correlator), std::move(done));
  } else {
    store.Submit(ctx.tenant, std::move(with_correlator), std::move(done));
  }
}

void SubmitUnit(store::EntityStore& store, const AuditTrail* audit, const RequestContext& ctx,
                store::WriteUnit unit, store::WriteDone done, UnitKind kind) {
  if (audit == nullptr || !audit->Watches(ctx)) {
    SubmitUnit(store, ctx, std::move(unit), std::move(done), kind);
    return;
  }
  auto collected = std::make_shared<std::vector<store::AuditRecord>>();
  SubmitUnit(
      store, ctx, audit->Watch(ctx, std::move(unit), collected),
      [audit, collected, done = std::move(done)](base::Result<void> committed) {
        // Queued before the caller answers, so the record is in the writer's queue before
        // anyone can ask for it.
        if (committed) audit->Append(std::move(*collected));
        done(std::move(committed));
      },
      kind);
}

namespace {

// Runs `work` as one write unit. `work` may succeed, fail (its writes are rolled back), or
// fail with `keep` set (its writes commit and the error is still reported: Orion's
// PartialUpdate).
template <typename T>
void RunUnit(store::EntityStore& store, const AuditTrail* audit, const RequestContext& ctx,
             std::function<base::Result<T>(store::WriteTransaction&, bool& keep)> work,
             Callback<T> done, UnitKind kind = UnitKind::kGrouped) {
  struct State {
    std::optional<base::Result<T>> outcome;
  };
  auto state = std::make_shared<State>();
  SubmitUnit(
      store, audit, ctx,
      [state, work = std::move(work)](store::WriteTransaction& tx) -> base::Result<void> {
        bool keep = false;
        state->outcome.emplace(work(tx, keep));
        if (!state->outcome->has_value() && !keep) {
          return base::Unexpected{state->outcome->error()};
        }
        return base::Ok();
      },
      [state, done = std::move(done)](base::Result<void> committed) {
        // A unit that failed on its own reports its own error; a commit failure (disk,
        // database) overrides a unit that had succeeded.
        const bool unit_failed = state->outcome && !state->outcome->has_value();
        if (!committed && !unit_failed) {
          done(base::Unexpected{committed.error()});
          return;
        }
        done(std::move(*state->outcome));
      },
      kind);
}

// Stores `entity` as a new entity in ctx's ServicePath: expiry taken from dateExpires,
// update operators resolved against nothing, system times stamped, location checked.
base::Result<void> InsertNew(store::WriteTransaction& tx, const RequestContext& ctx,
                             core::Entity entity) {
  if (entity.types.empty()) entity.types.emplace_back(core::kDefaultEntityType);
  entity.service_path = ctx.service_path;
  RENKEI_TRY_VOID(AuthorizeAttributeWrites(ctx, nullptr, &entity));
  RENKEI_TRY_VOID(TakeDateExpires(entity));
  RENKEI_TRY_VOID(PrepareNewAttributes(entity.attributes, ctx.now));
  entity.created_at = ctx.now;
  entity.modified_at = ctx.now;
  RENKEI_TRY_VOID(CheckLocations(entity, nullptr));
  return tx.Put(entity);
}

}  // namespace

std::string DescribeEntity(const EntityKey& key) {
  return key.type ? key.id + "/" + *key.type : key.id;
}

base::Result<core::Entity> EntityService::Retrieve(const RequestContext& ctx,
                                                   const EntityKey& key) const {
  RENKEI_TRY_VOID(AuthorizeSomeOrOwn(ctx, auth::Action::kRead));
  RENKEI_TRY(auto found, store_.FindById(ctx.tenant, key.id, key.type, ctx.scope, 2, ctx.now));
  // An entity the caller may not read is not there for it (404, not 403: the answer must
  // not tell that it exists): a type it may not read, or a personal entity the read rule
  // refuses (recorded as a denied access).
  std::vector<core::Entity> visible;
  std::string purpose;  // of the first visible one: recorded when it is the only one
  std::vector<store::AuditRecord> refused;
  for (auto& entity : found) {
    RENKEI_TRY(auto decision, DecideRead(personal_, ctx, entity));
    if (!decision.allowed) {
      if (decision.personal && audit_ != nullptr) {
        refused.push_back(audit_->RecordFor(ctx, "read", entity, false));
      }
      continue;
    }
    if (visible.empty()) purpose = std::move(decision.purpose);
    visible.push_back(std::move(entity));
  }
  if (visible.size() == 1 && audit_ != nullptr) {
    audit_->RecordReads(
        ctx, visible, [&purpose](const core::Entity&) { return purpose; }, std::move(refused));
  } else if (audit_ != nullptr) {
    audit_->Append(std::move(refused));
  }
  if (visible.empty()) return NotFound();
  if (visible.size() > 1) return TooMany();
  HideAttributes(ctx, visible.front());
  return std::move(visible.front());
}

base::Result<std::vector<store::EntitySource>> EntityService::ImportSources(
    const RequestContext& ctx, const std::string& type) const {
  RENKEI_TRY_VOID(Authorize(ctx, auth::Action::kRead, type));
  return store_.ImportSources(ctx.tenant, type, ctx.scope);
}

base::Result<store::EntityPage> EntityService::Query(const RequestContext& ctx,
                                                     store::EntityQuery query) const {
  RENKEI_TRY_VOID(AuthorizeSomeOrOwn(ctx, auth::Action::kRead));
  query.scope = ctx.scope;
  query.now = ctx.now;
  // Narrowed in the store, before counting: Fiware-Total-Count and NGSILD-Results-Count
  // count only what the caller may read (types × ServicePaths). A resident's own personal
  // types are readable without a grant, at every path; the personal data rule then picks
  // the entities of those types.
  query.only_grants = ReadGrants(ctx);
  if (query.only_grants) {
    auto own = OwnReadableTypes(ctx);
    if (!own.empty()) query.only_grants->push_back(store::ReadGrant{std::move(own), {}});
  }
  query.personal = PersonalReadScopeFor(ctx);
  RENKEI_TRY_VOID(AuthorizeQueryAttributes(ctx, query));
  RENKEI_TRY(auto page, store_.Query(ctx.tenant, query));
  if (audit_ != nullptr) {
    if (personal_ != nullptr && query.personal) {
      PersonalDataGuard::Purposes purposes(*personal_, ctx);
      audit_->RecordReads(ctx, page.entities,
                          [&purposes](const core::Entity& e) { return purposes.Of(e); });
    } else {
      audit_->RecordReads(ctx, page.entities);
    }
  }
  for (auto& entity : page.entities) HideAttributes(ctx, entity);
  return page;
}

base::Result<std::vector<store::TypeSummary>> EntityService::ListTypes(
    const RequestContext& ctx, std::size_t offset, std::size_t limit, std::size_t* total,
    store::TypeMembership membership) const {
  RENKEI_TRY_VOID(AuthorizeSome(ctx, auth::Action::kRead));
  const bool hides_personal = PersonalReadScopeFor(ctx).has_value();
  if (!ReadsLimited(ctx) && !hides_personal) {
    return store_.ListTypes(ctx.tenant, ctx.scope, ctx.now, offset, limit, total, membership);
  }
  // Only readable types are listed and counted, within the ServicePaths the caller may read;
  // a tenant has few types, so they are all listed, then filtered and paged here. Personal
  // types are never listed: their counts would tell how many residents have data (query
  // them instead, under the read rule).
  const auto scope = ReadableScope(ctx);
  if (!scope) {
    if (total != nullptr) *total = 0;
    return std::vector<store::TypeSummary>{};
  }
  std::size_t all = 0;
  RENKEI_TRY(auto types,
             store_.ListTypes(ctx.tenant, *scope, ctx.now, 0,
                              std::numeric_limits<std::size_t>::max(), &all, membership));
  std::erase_if(types, [&ctx](const store::TypeSummary& t) {
    return !MayRead(ctx, t.type) ||
           (ctx.personal_types != nullptr && ctx.personal_types->LevelOf(t.type));
  });
  if (total != nullptr) *total = types.size();
  std::vector<store::TypeSummary> page;
  for (std::size_t i = offset; i < types.size() && page.size() < limit; ++i) {
    page.push_back(std::move(types[i]));
  }
  return page;
}

base::Result<store::TypeSummary> EntityService::DescribeType(
    const RequestContext& ctx, const std::string& type, store::TypeMembership membership) const {
  RENKEI_TRY_VOID(AuthorizeSome(ctx, auth::Action::kRead));
  // Personal types are not described (as in ListTypes).
  if (!MayRead(ctx, type) ||
      (PersonalReadScopeFor(ctx) && ctx.personal_types->LevelOf(type).has_value())) {
    return base::Fail(ErrorCode::kResourceNotFound, "NotFound", "Entity type not found");
  }
  const auto scope = ReadableScope(ctx);
  if (!scope) return base::Fail(ErrorCode::kResourceNotFound, "NotFound", "Entity type not found");
  std::size_t total = 0;
  RENKEI_TRY(auto types,
             store_.ListTypes(ctx.tenant, *scope, ctx.now, 0,
                              std::numeric_limits<std::size_t>::max(), &total, membership));
  for (auto& t : types) {
    if (t.type == type) return std::move(t);
  }
  return base::Fail(ErrorCode::kResourceNotFound, "NotFound", "Entity type not found");
}

void EntityService::Create(const RequestContext& ctx, core::Entity entity,
                           std::vector<bool> metadata_given, bool upsert, WriteOptions options,
                           Callback<bool> done) {
  if (auto allowed = Authorize(ctx, auth::Action::kWrite, NewEntityType(entity), ctx.service_path);
      !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  entity.service_path = ctx.service_path;
  RunUnit<bool>(
      store_, audit_, ctx,
      [ctx, entity = std::move(entity), metadata_given = std::move(metadata_given), upsert,
       options](store::WriteTransaction& tx, bool&) -> base::Result<bool> {
        RENKEI_TRY(auto found, tx.FindById(entity.id, entity.PrimaryType(), WriteScope(ctx), 1));
        const bool exists =
            !found.empty() && !(found.front().expires_at && *found.front().expires_at <= ctx.now);
        if (exists && !upsert) {
          return base::Fail(ErrorCode::kAlreadyExists, "Unprocessable", "Already Exists");
        }
        if (exists) {
          core::Entity current = std::move(found.front());
          const auto before = KeepIfWriteLimited(ctx, current);
          std::vector<AttributeChange> changes;
          // Upsert behaves as POST /attrs, with the same metadata rules.
          for (std::size_t i = 0; i < entity.attributes.size(); ++i) {
            const bool md = i < metadata_given.size() && metadata_given[i];
            changes.push_back({entity.attributes[i], md, false});
          }
          if (entity.expires_at) {
            current.expires_at = entity.expires_at;
          }
          ChangeReport report;
          RENKEI_TRY_VOID(ApplyAttributeChanges(current, changes, AttributeWriteMode::kUpsert,
                                                options, ctx.now, report));
          current.modified_at = ctx.now;
          RENKEI_TRY_VOID(CheckLocations(current, &report));
          RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, current));
          if (options.forced_update) tx.SetForcedUpdate();
          RENKEI_TRY_VOID(PutWritten(tx, current, WrittenBy(report)));
          return false;
        }
        RENKEI_TRY_VOID(InsertNew(tx, ctx, entity));
        return true;
      },
      std::move(done));
}

void EntityService::WriteAttributes(const RequestContext& ctx, EntityKey key,
                                    std::vector<AttributeChange> changes, AttributeWriteMode mode,
                                    WriteOptions options, Callback<void> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  RunUnit<std::monostate>(
      store_, audit_, ctx,
      [ctx, key = std::move(key), changes = std::move(changes), mode, options](
          store::WriteTransaction& tx, bool& keep) -> base::Result<std::monostate> {
        if (options.forced_update) tx.SetForcedUpdate();
        RENKEI_TRY(auto entity, FindWritable(tx, ctx, key));
        const auto before = KeepIfWriteLimited(ctx, entity);
        ChangeReport report;
        RENKEI_TRY_VOID(ApplyAttributeChanges(entity, changes, mode, options, ctx.now, report));
        RENKEI_TRY_VOID(CheckLocations(entity, &report));
        RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, entity));
        const auto& problems =
            mode == AttributeWriteMode::kAppendStrict ? report.existing : report.missing;
        if (report.changed) RENKEI_TRY_VOID(PutWritten(tx, entity, WrittenBy(report)));
        if (problems.empty()) return std::monostate{};
        keep = report.changed;
        const std::string prefix =
            mode == AttributeWriteMode::kAppendStrict
                ? "one or more of the attributes in the request already exist: "
                : "do not exist: ";
        const std::string title = report.changed ? "PartialUpdate" : "Unprocessable";
        return base::Fail(ErrorCode::kUnprocessable, title,
                          prefix + DescribeEntity(key) + " - [ " + JoinNames(problems) + " ]");
      },
      Callback<std::monostate>([done = std::move(done)](base::Result<std::monostate> r) {
        if (!r) {
          done(base::Unexpected{r.error()});
        } else {
          done(base::Ok());
        }
      }));
}

void EntityService::ReplaceAttributes(const RequestContext& ctx, EntityKey key,
                                      std::vector<core::Attribute> attributes, WriteOptions options,
                                      Callback<void> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  RunUnit<std::monostate>(
      store_, audit_, ctx,
      [ctx, key = std::move(key), attributes = std::move(attributes), options](
          store::WriteTransaction& tx, bool&) -> base::Result<std::monostate> {
        if (options.forced_update) tx.SetForcedUpdate();
        RENKEI_TRY(auto entity, FindWritable(tx, ctx, key));
        const auto before = KeepIfWriteLimited(ctx, entity);
        entity.attributes = attributes;
        entity.expires_at.reset();
        RENKEI_TRY_VOID(TakeDateExpires(entity));
        RENKEI_TRY_VOID(PrepareNewAttributes(entity.attributes, ctx.now));
        entity.modified_at = ctx.now;
        RENKEI_TRY_VOID(CheckLocations(entity, nullptr));
        RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, entity));
        RENKEI_TRY_VOID(PutWritten(tx, entity, AttributeNames(entity)));
        return std::monostate{};
      },
      Callback<std::monostate>([done = std::move(done)](base::Result<std::monostate> r) {
        if (!r) {
          done(base::Unexpected{r.error()});
        } else {
          done(base::Ok());
        }
      }));
}

void EntityService::DeleteEntity(const RequestContext& ctx, EntityKey key, Callback<void> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, key = std::move(key)](store::WriteTransaction& tx) -> base::Result<void> {
        RENKEI_TRY(auto entity, FindWritable(tx, ctx, key));
        // Erasing the entity erases every attribute: all must be writable.
        RENKEI_TRY_VOID(AuthorizeAttributeWrites(ctx, &entity, nullptr));
        return tx.Erase(entity.id, entity.PrimaryType(), entity.service_path);
      },
      std::move(done));
}

void EntityService::DeleteAttribute(const RequestContext& ctx, EntityKey key, std::string attribute,
                                    Callback<void> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  SubmitUnit(
      store_, audit_, ctx,
      [ctx, key = std::move(key),
       attribute = std::move(attribute)](store::WriteTransaction& tx) -> base::Result<void> {
        RENKEI_TRY(auto entity, FindWritable(tx, ctx, key));
        if (WriteLimitsAttributes(ctx, entity) &&
            !ctx.permissions->AllowsAttribute(auth::Action::kWrite, entity.PrimaryType(),
                                              entity.service_path, attribute)) {
          return Refusal(ctx, "not allowed to write attribute " + attribute +
                                  " of entities of type " + entity.PrimaryType());
        }
        if (attribute == kDateExpires && entity.expires_at) {
          entity.expires_at.reset();
        } else if (!entity.Erase(attribute)) {
          return base::Fail(ErrorCode::kResourceNotFound, "NotFound",
                            "The entity does not have such an attribute");
        }
        entity.modified_at = ctx.now;
        return PutWritten(tx, entity, {});  // a deletion writes nothing
      },
      std::move(done));
}

void EntityService::Batch(const RequestContext& ctx, BatchAction action,
                          std::vector<core::Entity> entities,
                          std::vector<std::vector<bool>> metadata_given, WriteOptions options,
                          Callback<BatchOutcome> done) {
  if (auto allowed = AuthorizeSomeOrOwn(ctx, auth::Action::kWrite); !allowed) {
    return done(base::Unexpected{allowed.error()});
  }
  const UnitKind kind = UnitKindForBatch(entities.size());
  RunUnit<BatchOutcome>(
      store_, audit_, ctx,
      [ctx, action, entities = std::move(entities), metadata_given = std::move(metadata_given),
       options](store::WriteTransaction& tx, bool&) -> base::Result<BatchOutcome> {
        if (options.forced_update) tx.SetForcedUpdate();
        BatchOutcome outcome;
        outcome.problems_are_existing = action == BatchAction::kAppendStrict;
        for (std::size_t i = 0; i < entities.size(); ++i) {
          const core::Entity& in = entities[i];
          EntityKey key{in.id, in.types.empty() ? std::nullopt
                                                : std::optional<std::string>(in.types.front())};
          std::vector<AttributeChange> changes;
          for (std::size_t a = 0; a < in.attributes.size(); ++a) {
            const bool md = i < metadata_given.size() && a < metadata_given[i].size()
                                ? static_cast<bool>(metadata_given[i][a])
                                : false;
            changes.push_back({in.attributes[a], md, false});
          }
          auto current = FindWritable(tx, ctx, key);
          if (!current && current.error().code != ErrorCode::kResourceNotFound) {
            // Readable but not writable: the whole batch is refused (nothing of it written).
            return base::Unexpected{current.error()};
          }
          const bool exists = current.has_value();
          if (!exists && (action == BatchAction::kUpdate || action == BatchAction::kDelete ||
                          action == BatchAction::kReplace)) {
            outcome.problems.push_back({DescribeEntity(key), true, {}, false});
            continue;
          }
          if (!exists) {
            // append / appendStrict on a new entity: create it.
            RENKEI_TRY_VOID(
                Authorize(ctx, auth::Action::kWrite, NewEntityType(in), ctx.service_path));
            RENKEI_TRY_VOID(InsertNew(tx, ctx, in));
            ++outcome.succeeded;
            continue;
          }
          core::Entity entity = std::move(*current);
          const auto before = KeepIfWriteLimited(ctx, entity);
          if (action == BatchAction::kDelete) {
            if (in.attributes.empty()) {
              RENKEI_TRY_VOID(AuthorizeAttributeWrites(ctx, &entity, nullptr));
              RENKEI_TRY_VOID(tx.Erase(entity.id, entity.PrimaryType(), entity.service_path));
              ++outcome.succeeded;
              continue;
            }
            std::vector<std::string> missing;
            bool removed = false;
            for (const auto& a : in.attributes) {
              if (entity.Erase(a.name)) {
                removed = true;
              } else {
                missing.push_back(a.name);
              }
            }
            if (removed) {
              entity.modified_at = ctx.now;
              RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, entity));
              RENKEI_TRY_VOID(PutWritten(tx, entity, {}));  // a deletion writes nothing
            }
            if (missing.empty()) {
              ++outcome.succeeded;
            } else {
              outcome.problems.push_back({DescribeEntity(key), false, std::move(missing), removed});
            }
            continue;
          }
          if (action == BatchAction::kReplace) {
            entity.attributes = in.attributes;
            entity.expires_at.reset();
            RENKEI_TRY_VOID(TakeDateExpires(entity));
            RENKEI_TRY_VOID(PrepareNewAttributes(entity.attributes, ctx.now));
            entity.modified_at = ctx.now;
            RENKEI_TRY_VOID(CheckLocations(entity, nullptr));
            RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, entity));
            RENKEI_TRY_VOID(PutWritten(tx, entity, AttributeNames(entity)));
            ++outcome.succeeded;
            continue;
          }
          const AttributeWriteMode mode =
              action == BatchAction::kUpdate         ? AttributeWriteMode::kUpdateOnly
              : action == BatchAction::kAppendStrict ? AttributeWriteMode::kAppendStrict
                                                     : AttributeWriteMode::kUpsert;
          ChangeReport report;
          RENKEI_TRY_VOID(ApplyAttributeChanges(entity, changes, mode, options, ctx.now, report));
          RENKEI_TRY_VOID(CheckLocations(entity, &report));
          RENKEI_TRY_VOID(CheckAttributeWrites(ctx, before, entity));
          if (report.changed) RENKEI_TRY_VOID(PutWritten(tx, entity, WrittenBy(report)));
          auto& problems =
              mode == AttributeWriteMode::kAppendStrict ? report.existing : report.missing;
          if (problems.empty()) {
            ++outcome.succeeded;
          } else {
            outcome.problems.push_back(
                {DescribeEntity(key), false, std::move(problems), report.changed});
          }
        }
        return outcome;
      },
      std::move(done), kind);
}

}  // namespace renkei::service
