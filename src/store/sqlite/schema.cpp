#include "store/sqlite/schema.hpp"

#include <array>
#include <string>

#include "store/sqlite/entity_rows.hpp"

namespace renkei::store::sqlite {
namespace {

// Append only: a released migration is never edited, a change is a new entry.
constexpr std::array<std::string_view, 16> kMigrations = {
    // 1: entities, tenants, attribute-value index, geo index.
    R"sql(
CREATE TABLE tenants(
  tenant INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE);

CREATE TABLE entities(
  eid INTEGER PRIMARY KEY,
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  type TEXT NOT NULL,
  service_path TEXT NOT NULL,
  created INTEGER NOT NULL,
  modified INTEGER NOT NULL,
  expires INTEGER,
  doc TEXT NOT NULL,
  UNIQUE(tenant, id, type, service_path));
CREATE INDEX entities_type ON entities(tenant, type);
CREATE INDEX entities_service_path ON entities(tenant, service_path);
CREATE INDEX entities_expires ON entities(expires) WHERE expires IS NOT NULL;

CREATE TABLE attr_index(
  entity INTEGER NOT NULL,
  name TEXT NOT NULL,
  tenant INTEGER NOT NULL,
  num REAL,
  txt TEXT,
  PRIMARY KEY(entity, name)) WITHOUT ROWID;

CREATE TABLE geo_shapes(
  shape INTEGER PRIMARY KEY,
  entity INTEGER NOT NULL,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL);
CREATE INDEX geo_shapes_entity ON geo_shapes(entity);
CREATE VIRTUAL TABLE geo_index USING rtree(shape, min_lon, max_lon, min_lat, max_lat);
)sql",
    // 2: exact q comparisons driven by value indexes (docs/adr/0003-store-schema.md).
    // attr_index rows now hold values as the q evaluator compares them (DateTime as seconds
    // in num) and flag arrays and repeated names as `opaque`; the rows are rewritten from the
    // documents after this script (kDataSteps). Partial indexes: only rows with a number
    // (string) are in the num (txt) index; `opaque` rows are rare and probed per query.
    R"sql(
ALTER TABLE attr_index ADD COLUMN opaque INTEGER NOT NULL DEFAULT 0;
CREATE INDEX attr_index_num ON attr_index(tenant, name, num) WHERE num IS NOT NULL;
CREATE INDEX attr_index_txt ON attr_index(tenant, name, txt) WHERE txt IS NOT NULL;
CREATE INDEX attr_index_opaque ON attr_index(tenant, name) WHERE opaque = 1;
)sql",
    // 3: the types of an entity besides its primary one (NGSI-LD entities may have several,
    // §4.17), so a type selection finds an entity by any of them. Written with the entity
    // row (entity_rows.cpp), removed with it by the trigger; filled here from the documents
    // (their type list is "t").
    R"sql(
CREATE TABLE entity_types(
  type TEXT NOT NULL,
  entity INTEGER NOT NULL,
  PRIMARY KEY(type, entity)) WITHOUT ROWID;
CREATE INDEX entity_types_entity ON entity_types(entity);
CREATE TRIGGER entity_types_of_deleted AFTER DELETE ON entities BEGIN
  DELETE FROM entity_types WHERE entity = old.eid;
END;
INSERT OR IGNORE INTO entity_types(type, entity)
  SELECT t.value, e.eid FROM entities e, json_each(e.doc, '$.t') t WHERE t.value <> e.type;
)sql",
    // 4: hosted JSON-LD @contexts (NGSI-LD §5.13.2), global rather than per tenant
    // (api/ngsild/context_catalog.hpp); `seq` keeps the order they were added in.
    R"sql(
CREATE TABLE hosted_contexts(
  seq INTEGER PRIMARY KEY,
  local_id TEXT NOT NULL UNIQUE,
  document TEXT NOT NULL,
  created INTEGER NOT NULL);
)sql",
    // 5: subscriptions, the entity-change journal and the notification outbox
    // (store/subscription_store.hpp says how the three make delivery at-least-once). The
    // subscription document is JSON; the counters delivery updates are columns so that a
    // delivery never rewrites the document. Journal and outbox order by their INTEGER
    // PRIMARY KEY (AUTOINCREMENT: a sequence never goes back, even after the rows went).
    R"sql(
CREATE TABLE subscriptions(
  seq INTEGER PRIMARY KEY,
  tenant INTEGER NOT NULL,
  id TEXT NOT NULL,
  doc TEXT NOT NULL,
  status TEXT NOT NULL,
  created INTEGER NOT NULL,
  times_sent INTEGER NOT NULL DEFAULT 0,
  fails_counter INTEGER NOT NULL DEFAULT 0,
  last_notification INTEGER,
  last_success INTEGER,
  last_success_code INTEGER,
  last_failure INTEGER,
  last_failure_reason TEXT NOT NULL DEFAULT '',
  UNIQUE(tenant, id));

CREATE TABLE entity_changes(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant INTEGER NOT NULL,
  correlator TEXT NOT NULL,
  before TEXT,
  after TEXT);

CREATE TABLE outbox(
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  tenant INTEGER NOT NULL,
  sub_id TEXT NOT NULL,
  target TEXT NOT NULL,
  headers TEXT NOT NULL,
  payload TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt INTEGER NOT NULL,
  created INTEGER NOT NULL);
CREATE INDEX outbox_queue ON outbox(tenant, sub_id, seq);
)sql",
    // 6: the hash-chained audit log (store/audit_store.hpp, docs/security.md "Audit log").
    // seq is the chain order; tenant is the name, not the tenants row, so a record never
    // depends on another table.
    R"sql(
CREATE TABLE audit_log(
  seq INTEGER PRIMARY KEY,
  time INTEGER NOT NULL,
  tenant TEXT NOT NULL,
  actor_kind TEXT NOT NULL,
  actor_subject TEXT NOT NULL,
  actor_client_id TEXT NOT NULL,
  actor_issuer TEXT NOT NULL,
  resident TEXT NOT NULL,
  action TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  entity_type TEXT NOT NULL,
  purpose TEXT NOT NULL,
  allowed INTEGER NOT NULL,
  correlator TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL);
CREATE INDEX audit_by_tenant ON audit_log(tenant, seq);
CREATE INDEX audit_by_resident ON audit_log(resident, seq);
)sql",
    // 7: API keys (store/api_key_store.hpp; only the SHA-256 of a key, ADR 0008) and each
    // tenant's authorization policy (store/policy_store.hpp). Both keyed by the tenant's
    // name, not the tenants table: a key or a policy may exist before the tenant wrote data.
    R"sql(
CREATE TABLE api_keys(
  seq INTEGER PRIMARY KEY,
  key_id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  app TEXT NOT NULL,
  roles TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  created INTEGER NOT NULL,
  last_used INTEGER,
  revoked INTEGER);
CREATE INDEX api_keys_tenant ON api_keys(tenant, seq);

CREATE TABLE authz_policies(
  tenant TEXT PRIMARY KEY,
  document TEXT NOT NULL,
  modified INTEGER NOT NULL);
)sql",
    // 8: the entities an outbox row notifies (id, types, ServicePath, owner attribute;
    // notify/notified_entities.hpp), re-checked against the subscription owner's current
    // rights right before delivery (docs/subscriptions.md "Who a subscription notifies for").
    // Rows queued before it have '' and are delivered unchecked (they were matched before).
    R"sql(
ALTER TABLE outbox ADD COLUMN entities TEXT NOT NULL DEFAULT '';
)sql",
    // 9: residents' consents to apps (store/consent_store.hpp, docs/security.md "Personal
    // data and consent"). `types` is a JSON array of stored type names. consents_live serves
    // the entity query's EXISTS (sql_where.cpp AddPersonalRestriction): the live consents of
    // one app and one resident; consents_resident the resident's own list.
    R"sql(
CREATE TABLE consents(
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  tenant TEXT NOT NULL,
  resident TEXT NOT NULL,
  app TEXT NOT NULL,
  types TEXT NOT NULL,
  purpose TEXT NOT NULL,
  expires INTEGER NOT NULL,
  created INTEGER NOT NULL,
  revoked INTEGER);
CREATE INDEX consents_live ON consents(tenant, app, resident, expires) WHERE revoked IS NULL;
CREATE INDEX consents_resident ON consents(tenant, resident, seq);
)sql",
    // 10: every failed notification attempt of a subscription, for NGSI-LD's timesFailed
    // (§5.2.14), which fails_counter (NGSIv2's failsCounter, reset by a success) is not.
    // Existing subscriptions start from their current run of failures.
    R"sql(
ALTER TABLE subscriptions ADD COLUMN times_failed INTEGER NOT NULL DEFAULT 0;
UPDATE subscriptions SET times_failed = fails_counter;
)sql",
    // 11: where imported entities came from (store/import_source.hpp, ADR 0017): file name,
    // line of the CSV record, import time, one row per entity row. The trigger removes it
    // with the entity (erase, expiry purge), as entity_types'; the import replaces it.
    R"sql(
CREATE TABLE import_sources(
  entity INTEGER PRIMARY KEY,
  file TEXT NOT NULL,
  line INTEGER NOT NULL,
  imported INTEGER NOT NULL);
CREATE TRIGGER import_sources_of_deleted AFTER DELETE ON entities BEGIN
  DELETE FROM import_sources WHERE entity = old.eid;
END;
)sql",
    // 12: a journal row written under NGSIv2 forcedUpdate counts as a change for matching
    // even when no value differs (WriteTransaction::SetForcedUpdate).
    R"sql(
ALTER TABLE entity_changes ADD COLUMN forced INTEGER NOT NULL DEFAULT 0;
)sql",
    // 13: the write log's position (ADR 0013 option B, store/sqlite/write_log.hpp): the last
    // record of <data_dir>/log that the applier has copied into the tables. It commits in
    // the same transaction as the rows it covers, so recovery replays exactly what follows.
    R"sql(
CREATE TABLE write_log(
  id INTEGER PRIMARY KEY CHECK (id = 1),
  applied_seq INTEGER NOT NULL);
INSERT INTO write_log(id, applied_seq) VALUES (1, 0);
)sql",
    // 14: the attributes the request wrote (WriteTransaction::NoteWrittenAttributes), a JSON
    // array of names, so that matching need not infer them from modification times (which
    // miss a rewrite within the millisecond of the previous write). NULL: not recorded.
    R"sql(
ALTER TABLE entity_changes ADD COLUMN written TEXT;
)sql",
    // 15: the catalogue of value indexes (ADR 0018, store/sqlite/value_index_catalog.hpp):
    // which attribute names of a tenant have attr_index rows, how far a build has come
    // (row id) and whether queries may use it; and the policy the rows were written under.
    // Until now every name was indexed: the settings say so when there are rows, and
    // AdoptValueIndexPolicy catalogues the names at the first open under the on-demand
    // policy. A new database records the policy of its first open.
    R"sql(
CREATE TABLE value_indexes(
  tenant INTEGER NOT NULL,
  name TEXT NOT NULL,
  built_through INTEGER NOT NULL DEFAULT 0,
  ready INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY(tenant, name)) WITHOUT ROWID;
CREATE TABLE store_settings(
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL) WITHOUT ROWID;
INSERT INTO store_settings(key, value)
  SELECT 'value_index', 'all' WHERE EXISTS (SELECT 1 FROM attr_index);
)sql",
    // 16: points leave the R*Tree for a B-tree on their Z-order cell (store/sqlite/geo_cell.hpp,
    // ADR 0019): one insert per point instead of an R*Tree insert; a query box becomes a few
    // cell ranges. Lines and polygons stay in geo_shapes + geo_index. The geo rows are
    // rewritten from the documents after this script (kDataSteps).
    R"sql(
CREATE TABLE geo_points(
  tenant INTEGER NOT NULL,
  cell INTEGER NOT NULL,
  entity INTEGER NOT NULL,
  name TEXT NOT NULL,
  is_default INTEGER NOT NULL,
  lon REAL NOT NULL,
  lat REAL NOT NULL,
  PRIMARY KEY(tenant, cell, entity, name)) WITHOUT ROWID;
CREATE INDEX geo_points_entity ON geo_points(entity);
)sql",
};

// Data rewrites that follow a migration's SQL in the same transaction (nullptr: none).
using DataStep = base::Result<void> (*)(Connection&);
constexpr std::array<DataStep, kMigrations.size()> kDataSteps = {
    nullptr, &RebuildAttributeIndex,  // 1, 2
    nullptr, nullptr,                 // 3, 4
    nullptr, nullptr,                 // 5, 6
    nullptr, nullptr,                 // 7, 8
    nullptr, nullptr,                 // 9, 10
    nullptr, nullptr,                 // 11, 12
    nullptr, nullptr,                 // 13, 14
    nullptr, &RebuildGeoIndex,        // 15, 16
};

}  // namespace

int SchemaVersion() { return static_cast<int>(kMigrations.size()); }

base::Result<void> Migrate(Connection& conn) {
  RENKEI_TRY_VOID(conn.Exec("BEGIN IMMEDIATE"));
  auto apply = [&]() -> base::Result<void> {
    RENKEI_TRY(Statement * version_stmt, conn.Prepare("PRAGMA user_version"));
    StatementLease version_lease(*version_stmt);
    RENKEI_TRY(bool has_row, version_lease->Step());
    int version = has_row ? static_cast<int>(version_lease->ColumnInt(0)) : 0;
    version_lease->Reset();
    if (version > SchemaVersion()) {
      return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                        "database schema version " + std::to_string(version) +
                            " is newer than this renkei (" + std::to_string(SchemaVersion()) + ")");
    }
    for (int v = version; v < SchemaVersion(); ++v) {
      RENKEI_TRY_VOID(conn.Exec(kMigrations[static_cast<std::size_t>(v)]));
      if (auto step = kDataSteps[static_cast<std::size_t>(v)]; step != nullptr) {
        RENKEI_TRY_VOID(step(conn));
      }
    }
    if (version != SchemaVersion()) {
      RENKEI_TRY_VOID(conn.Exec("PRAGMA user_version=" + std::to_string(SchemaVersion())));
    }
    return base::Ok();
  };
  auto result = apply();
  if (!result) {
    (void)conn.Exec("ROLLBACK");
    return result;
  }
  return conn.Exec("COMMIT");
}

}  // namespace renkei::store::sqlite
