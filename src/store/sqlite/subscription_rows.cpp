#include "store/sqlite/subscription_rows.hpp"

#include <map>
#include <span>

#include <boost/json.hpp>

#include "core/entity_codec.hpp"

namespace renkei::store::sqlite {
namespace {

constexpr std::string_view kSubscriptionColumns =
    "s.id, s.doc, s.status, s.created, s.times_sent, s.fails_counter, s.last_notification, "
    "s.last_success, s.last_success_code, s.last_failure, s.last_failure_reason, "
    "s.times_failed";

std::optional<base::Timestamp> OptionalTime(const Statement& s, int col) {
  if (s.ColumnIsNull(col)) return std::nullopt;
  return base::Timestamp{s.ColumnInt(col)};
}

// Reads the columns of kSubscriptionColumns starting at `col`.
SubscriptionRecord SubscriptionFromRow(const Statement& s, int col, std::string tenant) {
  SubscriptionRecord r;
  r.tenant = std::move(tenant);
  r.id = std::string(s.ColumnText(col));
  r.document = std::string(s.ColumnText(col + 1));
  r.state.status = std::string(s.ColumnText(col + 2));
  r.created_at = base::Timestamp{s.ColumnInt(col + 3)};
  r.state.times_sent = s.ColumnInt(col + 4);
  r.state.fails_counter = s.ColumnInt(col + 5);
  r.state.last_notification = OptionalTime(s, col + 6);
  r.state.last_success = OptionalTime(s, col + 7);
  if (!s.ColumnIsNull(col + 8)) r.state.last_success_code = static_cast<int>(s.ColumnInt(col + 8));
  r.state.last_failure = OptionalTime(s, col + 9);
  r.state.last_failure_reason = std::string(s.ColumnText(col + 10));
  r.state.times_failed = s.ColumnInt(col + 11);
  return r;
}

void BindOptionalTime(Statement& s, int index, const std::optional<base::Timestamp>& t) {
  if (t) {
    s.Bind(index, t->millis);
  } else {
    s.BindNull(index);
  }
}

base::Unexpected SubscriptionNotFound() {
  return base::Fail(base::ErrorCode::kResourceNotFound, "NotFound",
                    "The requested subscription has not been found. Check id");
}

base::Result<std::optional<core::Entity>> DecodeOptional(const Statement& s, int col) {
  if (s.ColumnIsNull(col)) return std::optional<core::Entity>();
  RENKEI_TRY(core::Entity e, core::DecodeEntity(s.ColumnText(col)));
  return std::optional<core::Entity>(std::move(e));
}

// entity_changes.written (migration 14): a JSON array of attribute names.
std::string EncodeWrittenAttributes(const std::vector<std::string>& names) {
  boost::json::array array;
  for (const auto& name : names) array.emplace_back(name);
  return boost::json::serialize(array);
}

base::Result<std::vector<std::string>> DecodeWrittenAttributes(std::string_view text) {
  boost::system::error_code ec;
  const boost::json::value parsed = boost::json::parse(text, ec);
  std::vector<std::string> names;
  if (!ec && parsed.is_array()) {
    for (const auto& name : parsed.get_array()) {
      if (!name.is_string()) break;
      names.emplace_back(name.get_string());
    }
    if (names.size() == parsed.get_array().size()) return names;
  }
  return base::Fail(base::ErrorCode::kInternalError, "InternalError",
                    "entity_changes.written is not an array of names");
}

constexpr std::string_view kOutboxSelect =
    "SELECT o.seq, t.name, o.sub_id, o.target, o.headers, o.payload, o.attempts, "
    "o.next_attempt, o.created, o.entities FROM outbox o ";

// Reads the rows of a kOutboxSelect query; with `untried_column`, column 10 is
// OutboxEntry::untried_behind.
base::Result<std::vector<OutboxEntry>> ReadOutboxEntries(Statement& select,
                                                         bool untried_column = false) {
  std::vector<OutboxEntry> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select.Step());
    if (!has_row) break;
    OutboxEntry e;
    e.seq = select.ColumnInt(0);
    e.tenant = std::string(select.ColumnText(1));
    e.subscription_id = std::string(select.ColumnText(2));
    e.target = std::string(select.ColumnText(3));
    e.headers = std::string(select.ColumnText(4));
    e.payload = std::string(select.ColumnText(5));
    e.attempts = static_cast<int>(select.ColumnInt(6));
    e.next_attempt = base::Timestamp{select.ColumnInt(7)};
    e.created_at = base::Timestamp{select.ColumnInt(8)};
    e.entities = std::string(select.ColumnText(9));
    e.untried_behind = untried_column && select.ColumnInt(10) != 0;
    out.push_back(std::move(e));
  }
  return out;
}

base::Result<std::optional<std::int64_t>> TenantIdByName(Connection& conn,
                                                         const std::string& name) {
  RENKEI_TRY(Statement * select, conn.Prepare("SELECT tenant FROM tenants WHERE name = ?"));
  StatementLease lease(*select);
  select->Bind(1, name);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(select->ColumnInt(0));
}

}  // namespace

base::Result<std::vector<SubscriptionRecord>> ReadAllSubscriptionRows(Connection& conn) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT t.name, " + std::string(kSubscriptionColumns) +
                          " FROM subscriptions s JOIN tenants t ON t.tenant = s.tenant "
                          "ORDER BY s.seq"));
  StatementLease lease(*select);
  std::vector<SubscriptionRecord> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    out.push_back(SubscriptionFromRow(*select, 1, std::string(select->ColumnText(0))));
  }
  return out;
}

base::Result<std::optional<SubscriptionRecord>> ReadSubscriptionRow(Connection& conn,
                                                                    std::int64_t tenant,
                                                                    const std::string& tenant_name,
                                                                    const std::string& id) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT " + std::string(kSubscriptionColumns) +
                          " FROM subscriptions s WHERE s.tenant = ? AND s.id = ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  select->Bind(2, id);
  RENKEI_TRY(bool has_row, select->Step());
  if (!has_row) return std::optional<SubscriptionRecord>();
  return std::optional<SubscriptionRecord>(SubscriptionFromRow(*select, 0, tenant_name));
}

base::Result<std::vector<SubscriptionRecord>> ReadSubscriptionPage(
    Connection& conn, std::int64_t tenant, const std::string& tenant_name, std::size_t offset,
    std::size_t limit, std::size_t* total) {
  if (total != nullptr) {
    RENKEI_TRY(std::int64_t count, CountSubscriptionRows(conn, tenant));
    *total = static_cast<std::size_t>(count);
  }
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT " + std::string(kSubscriptionColumns) +
                          " FROM subscriptions s WHERE s.tenant = ? ORDER BY s.seq "
                          "LIMIT ? OFFSET ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  select->Bind(2, static_cast<std::int64_t>(limit));
  select->Bind(3, static_cast<std::int64_t>(offset));
  std::vector<SubscriptionRecord> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    out.push_back(SubscriptionFromRow(*select, 0, tenant_name));
  }
  return out;
}

base::Result<std::int64_t> CountSubscriptionRows(Connection& conn, std::int64_t tenant) {
  RENKEI_TRY(Statement * count,
             conn.Prepare("SELECT count(*) FROM subscriptions WHERE tenant = ?"));
  StatementLease lease(*count);
  count->Bind(1, tenant);
  RENKEI_TRY(bool has_row, count->Step());
  return has_row ? count->ColumnInt(0) : 0;
}

base::Result<void> InsertSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const SubscriptionRecord& record,
                                         std::size_t max_per_tenant) {
  if (max_per_tenant > 0) {
    RENKEI_TRY(std::int64_t count, CountSubscriptionRows(conn, tenant));
    if (static_cast<std::size_t>(count) >= max_per_tenant) {
      return base::Fail(base::ErrorCode::kTooManyResults, "TooManySubscriptions",
                        "the tenant already has the maximum number of subscriptions (" +
                            std::to_string(max_per_tenant) + ")");
    }
  }
  RENKEI_TRY(Statement * insert,
             conn.Prepare("INSERT INTO subscriptions(tenant, id, doc, status, created, times_sent, "
                          "fails_counter, last_notification, last_success, last_success_code, "
                          "last_failure, last_failure_reason, times_failed) "
                          "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) "
                          "ON CONFLICT(tenant, id) DO NOTHING"));
  StatementLease lease(*insert);
  const auto& st = record.state;
  insert->Bind(1, tenant);
  insert->Bind(2, record.id);
  insert->Bind(3, record.document);
  insert->Bind(4, st.status);
  insert->Bind(5, record.created_at.millis);
  insert->Bind(6, st.times_sent);
  insert->Bind(7, st.fails_counter);
  BindOptionalTime(*insert, 8, st.last_notification);
  BindOptionalTime(*insert, 9, st.last_success);
  if (st.last_success_code) {
    insert->Bind(10, static_cast<std::int64_t>(*st.last_success_code));
  } else {
    insert->BindNull(10);
  }
  BindOptionalTime(*insert, 11, st.last_failure);
  insert->Bind(12, st.last_failure_reason);
  insert->Bind(13, st.times_failed);
  RENKEI_TRY_VOID(insert->Run());
  if (conn.LastChanges() == 0) {
    return base::Fail(base::ErrorCode::kAlreadyExists, "AlreadyExists",
                      "a subscription with id " + record.id + " exists");
  }
  return base::Ok();
}

base::Result<void> UpdateSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const SubscriptionRecord& record) {
  RENKEI_TRY(
      Statement * update,
      conn.Prepare("UPDATE subscriptions SET doc = ?, status = ? WHERE tenant = ? AND id = ?"));
  StatementLease lease(*update);
  update->Bind(1, record.document);
  update->Bind(2, record.state.status);
  update->Bind(3, tenant);
  update->Bind(4, record.id);
  RENKEI_TRY_VOID(update->Run());
  if (conn.LastChanges() == 0) return SubscriptionNotFound();
  return base::Ok();
}

base::Result<void> DeleteSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const std::string& id) {
  RENKEI_TRY(Statement * erase,
             conn.Prepare("DELETE FROM subscriptions WHERE tenant = ? AND id = ?"));
  {
    StatementLease lease(*erase);
    erase->Bind(1, tenant);
    erase->Bind(2, id);
    RENKEI_TRY_VOID(erase->Run());
    if (conn.LastChanges() == 0) return SubscriptionNotFound();
  }
  RENKEI_TRY(Statement * queue, conn.Prepare("DELETE FROM outbox WHERE tenant = ? AND sub_id = ?"));
  StatementLease lease(*queue);
  queue->Bind(1, tenant);
  queue->Bind(2, id);
  return queue->Run();
}

base::Result<void> InsertChangeRow(Connection& conn, std::int64_t tenant, const ChangeRow& row) {
  RENKEI_TRY(Statement * insert, conn.Prepare("INSERT INTO entity_changes(tenant, correlator, "
                                              "before, after, forced, written) "
                                              "VALUES (?, ?, ?, ?, ?, ?)"));
  StatementLease lease(*insert);
  insert->Bind(1, tenant);
  insert->Bind(2, row.correlator);
  auto bind_side = [&](int index, const core::Entity* side, const std::string* text) {
    if (side == nullptr) return insert->BindNull(index);
    if (text != nullptr) return insert->Bind(index, *text);
    insert->Bind(index, core::EncodeEntity(*side));
  };
  bind_side(3, row.before, row.before_text);
  bind_side(4, row.after, row.after_text);
  insert->Bind(5, std::int64_t{row.forced_update ? 1 : 0});
  if (row.written == nullptr) {
    insert->BindNull(6);
  } else {
    insert->Bind(6, EncodeWrittenAttributes(*row.written));
  }
  return insert->Run();
}

base::Result<std::int64_t> ReadJournalPosition(Connection& conn) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT seq FROM sqlite_sequence WHERE name = 'entity_changes'"));
  StatementLease lease(*select);
  RENKEI_TRY(bool has_row, select->Step());
  return has_row ? select->ColumnInt(0) : std::int64_t{0};
}

base::Result<std::vector<EntityChange>> ReadChangeRows(Connection& conn, std::int64_t after_seq,
                                                       std::size_t limit) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT c.seq, t.name, c.correlator, c.before, c.after, c.forced, "
                          "c.written FROM entity_changes c JOIN tenants t ON t.tenant = c.tenant "
                          "WHERE c.seq > ? ORDER BY c.seq LIMIT ?"));
  StatementLease lease(*select);
  select->Bind(1, after_seq);
  select->Bind(2, static_cast<std::int64_t>(limit));
  std::vector<EntityChange> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    EntityChange change;
    change.seq = select->ColumnInt(0);
    change.tenant = std::string(select->ColumnText(1));
    change.correlator = std::string(select->ColumnText(2));
    RENKEI_TRY(change.before, DecodeOptional(*select, 3));
    RENKEI_TRY(change.after, DecodeOptional(*select, 4));
    change.forced_update = select->ColumnInt(5) != 0;
    if (!select->ColumnIsNull(6)) {
      RENKEI_TRY(change.written, DecodeWrittenAttributes(select->ColumnText(6)));
    }
    out.push_back(std::move(change));
  }
  return out;
}

base::Result<std::size_t> ApplyMatchCommit(Connection& conn, const MatchCommit& commit) {
  {
    RENKEI_TRY(Statement * consume, conn.Prepare("DELETE FROM entity_changes WHERE seq <= ?"));
    StatementLease lease(*consume);
    consume->Bind(1, commit.consumed_through);
    RENKEI_TRY_VOID(consume->Run());
  }
  // Per tenant: its id and how many rows its outbox holds (counted once per commit).
  struct TenantQueue {
    std::int64_t id = 0;
    std::size_t rows = 0;
  };
  std::map<std::string, std::optional<TenantQueue>, std::less<>> tenants;
  std::size_t dropped = 0;
  for (const auto& entry : commit.entries) {
    auto it = tenants.find(entry.tenant);
    if (it == tenants.end()) {
      RENKEI_TRY(auto id, TenantIdByName(conn, entry.tenant));
      std::optional<TenantQueue> queue;
      if (id) {
        queue = TenantQueue{*id, 0};
        if (commit.max_outbox_per_tenant > 0) {
          RENKEI_TRY(queue->rows, CountOutboxRows(conn, *id));
        }
      }
      it = tenants.emplace(entry.tenant, queue).first;
    }
    if (!it->second) continue;  // the tenant is unknown: nothing can be queued for it
    TenantQueue& queue = *it->second;
    if (commit.max_outbox_per_tenant > 0 && queue.rows >= commit.max_outbox_per_tenant) {
      ++dropped;
      continue;
    }
    RENKEI_TRY(Statement * insert,
               conn.Prepare("INSERT INTO outbox(tenant, sub_id, target, headers, payload, "
                            "attempts, next_attempt, created, entities) "
                            "VALUES (?,?,?,?,?,?,?,?,?)"));
    StatementLease lease(*insert);
    insert->Bind(1, queue.id);
    insert->Bind(2, entry.subscription_id);
    insert->Bind(3, entry.target);
    insert->Bind(4, entry.headers);
    insert->Bind(5, entry.payload);
    insert->Bind(6, static_cast<std::int64_t>(entry.attempts));
    insert->Bind(7, entry.next_attempt.millis);
    insert->Bind(8, entry.created_at.millis);
    insert->Bind(9, entry.entities);
    RENKEI_TRY_VOID(insert->Run());
    ++queue.rows;
  }
  for (const auto& [tenant, id] : commit.deactivate) {
    RENKEI_TRY(Statement * update,
               conn.Prepare("UPDATE subscriptions SET status = 'inactive' WHERE id = ? AND "
                            "tenant = (SELECT tenant FROM tenants WHERE name = ?)"));
    StatementLease lease(*update);
    update->Bind(1, id);
    update->Bind(2, tenant);
    RENKEI_TRY_VOID(update->Run());
  }
  return dropped;
}

base::Result<std::vector<OutboxEntry>> ReadOutboxHeads(Connection& conn, std::size_t limit) {
  // The head of a queue is its lowest seq: later rows wait for it (order per subscription).
  // A head waiting for a retry is due when a row behind it was never tried (untried_behind).
  RENKEI_TRY(
      Statement * select,
      conn.Prepare("SELECT o.seq, t.name, o.sub_id, o.target, o.headers, o.payload, o.attempts, "
                   "CASE WHEN h.untried > (o.attempts = 0) THEN min(o.next_attempt, h.fresh) "
                   "ELSE o.next_attempt END AS due, o.created, o.entities, "
                   "h.untried > (o.attempts = 0) FROM outbox o "
                   "JOIN (SELECT min(seq) AS head, count(CASE WHEN attempts = 0 THEN 1 END) "
                   "AS untried, min(CASE WHEN attempts = 0 THEN next_attempt END) AS fresh "
                   "FROM outbox GROUP BY tenant, sub_id) h "
                   "ON o.seq = h.head JOIN tenants t ON t.tenant = o.tenant "
                   "ORDER BY due, o.seq LIMIT ?"));
  StatementLease lease(*select);
  select->Bind(1, static_cast<std::int64_t>(limit));
  return ReadOutboxEntries(*select, /*untried_column=*/true);
}

base::Result<std::vector<OutboxEntry>> ReadOutboxQueue(Connection& conn, const std::string& tenant,
                                                       const std::string& subscription_id,
                                                       std::int64_t after_seq, std::size_t limit) {
  // A range of the outbox_queue index (tenant, sub_id, seq).
  RENKEI_TRY(
      Statement * select,
      conn.Prepare(std::string(kOutboxSelect) +
                   "JOIN tenants t ON t.tenant = o.tenant "
                   "WHERE t.name = ? AND o.sub_id = ? AND o.seq > ? ORDER BY o.seq LIMIT ?"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  select->Bind(2, subscription_id);
  select->Bind(3, after_seq);
  select->Bind(4, static_cast<std::int64_t>(limit));
  return ReadOutboxEntries(*select);
}

base::Result<bool> ReadPendingNotifications(Connection& conn, const std::string& tenant,
                                            const std::string& subscription_id,
                                            base::Timestamp now) {
  RENKEI_TRY(Statement * select,
             conn.Prepare("SELECT EXISTS (SELECT 1 FROM entity_changes c JOIN tenants t "
                          "ON t.tenant = c.tenant WHERE t.name = ?1) OR EXISTS (SELECT 1 "
                          "FROM outbox o JOIN tenants t ON t.tenant = o.tenant WHERE t.name = ?1 "
                          "AND o.sub_id = ?2 AND (o.attempts = 0 OR o.next_attempt <= ?3))"));
  StatementLease lease(*select);
  select->Bind(1, tenant);
  select->Bind(2, subscription_id);
  select->Bind(3, now.millis);
  RENKEI_TRY(bool has_row, select->Step());
  return has_row && select->ColumnInt(0) != 0;
}

base::Result<std::size_t> CountOutboxRows(Connection& conn, std::int64_t tenant) {
  RENKEI_TRY(Statement * count, conn.Prepare("SELECT count(*) FROM outbox WHERE tenant = ?"));
  StatementLease lease(*count);
  count->Bind(1, tenant);
  RENKEI_TRY(bool has_row, count->Step());
  return has_row ? static_cast<std::size_t>(count->ColumnInt(0)) : 0;
}

base::Result<std::vector<NotifyBacklog>> ReadNotifyBacklog(Connection& conn) {
  RENKEI_TRY(
      Statement * select,
      conn.Prepare("SELECT name, subs, outbox, journal FROM (SELECT t.name AS name, "
                   "(SELECT count(*) FROM subscriptions s WHERE s.tenant = t.tenant) AS subs, "
                   "(SELECT count(*) FROM outbox o WHERE o.tenant = t.tenant) AS outbox, "
                   "(SELECT count(*) FROM entity_changes c WHERE c.tenant = t.tenant) "
                   "AS journal FROM tenants t) WHERE subs + outbox + journal > 0 "
                   "ORDER BY name"));
  StatementLease lease(*select);
  std::vector<NotifyBacklog> out;
  for (;;) {
    RENKEI_TRY(bool has_row, select->Step());
    if (!has_row) break;
    out.push_back(NotifyBacklog{std::string(select->ColumnText(0)),
                                static_cast<std::size_t>(select->ColumnInt(1)),
                                static_cast<std::size_t>(select->ColumnInt(2)),
                                static_cast<std::size_t>(select->ColumnInt(3))});
  }
  return out;
}

namespace {

base::Result<void> DeleteOutboxRow(Connection& conn, std::int64_t seq) {
  RENKEI_TRY(Statement * erase, conn.Prepare("DELETE FROM outbox WHERE seq = ?"));
  StatementLease lease(*erase);
  erase->Bind(1, seq);
  return erase->Run();
}

// Successes of one subscription, oldest first: every row goes, the counters are written once
// (times_sent grows by the count; the last success gives the times and the code).
base::Result<void> ApplyDeliveredRun(Connection& conn, std::span<const DeliveryRecord> run) {
  const DeliveryRecord& last = run.back();
  RENKEI_TRY(auto tenant, TenantIdByName(conn, last.tenant));
  if (!tenant) return base::Ok();
  for (const auto& record : run) RENKEI_TRY_VOID(DeleteOutboxRow(conn, record.seq));
  // A notification delivered on a retry was counted when its first attempt failed.
  const auto counted =
      std::count_if(run.begin(), run.end(), [](const DeliveryRecord& r) { return r.Counts(); });
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE subscriptions SET times_sent = times_sent + ?5, "
                          "last_notification = ?1, last_success = ?1, last_success_code = ?2, "
                          "fails_counter = 0 WHERE tenant = ?3 AND id = ?4"));
  StatementLease lease(*update);
  update->Bind(1, last.at.millis);
  update->Bind(2, static_cast<std::int64_t>(last.status_code.value_or(200)));
  update->Bind(3, *tenant);
  update->Bind(4, last.subscription_id);
  update->Bind(5, static_cast<std::int64_t>(counted));
  return update->Run();
}

}  // namespace

base::Result<bool> ApplyDeliveryRecords(Connection& conn,
                                        const std::vector<DeliveryRecord>& records) {
  bool deactivated = false;
  std::size_t i = 0;
  while (i < records.size()) {
    if (records[i].withheld) {
      // The owner may no longer read it: the row goes, the subscription's counters stay.
      RENKEI_TRY_VOID(DeleteOutboxRow(conn, records[i].seq));
      ++i;
      continue;
    }
    if (!records[i].delivered) {
      RENKEI_TRY(bool made_inactive, ApplyDeliveryRecord(conn, records[i]));
      deactivated = deactivated || made_inactive;
      ++i;
      continue;
    }
    std::size_t end = i + 1;
    while (end < records.size() && records[end].delivered &&
           records[end].tenant == records[i].tenant &&
           records[end].subscription_id == records[i].subscription_id) {
      ++end;
    }
    RENKEI_TRY_VOID(
        ApplyDeliveredRun(conn, std::span<const DeliveryRecord>(records).subspan(i, end - i)));
    i = end;
  }
  return deactivated;
}

base::Result<bool> ApplyDeliveryRecord(Connection& conn, const DeliveryRecord& record) {
  if (record.delivered) {
    RENKEI_TRY_VOID(ApplyDeliveredRun(conn, std::span<const DeliveryRecord>(&record, 1)));
    return false;
  }
  RENKEI_TRY(auto tenant, TenantIdByName(conn, record.tenant));
  if (!tenant) return false;
  // Notifications counted by this failure: the attempted one when it was its first attempt,
  // and those queued behind it that were never tried (they came while the receiver was
  // down, and each would have failed on its own attempt as in Orion). They are marked
  // tried so that no later failure counts them again.
  std::int64_t failed = record.Counts() ? 1 : 0;
  if (record.give_up) {
    RENKEI_TRY_VOID(DeleteOutboxRow(conn, record.seq));
  } else {
    RENKEI_TRY(Statement * retry,
               conn.Prepare("UPDATE outbox SET attempts = attempts + 1, next_attempt = ? "
                            "WHERE seq = ?"));
    StatementLease lease(*retry);
    retry->Bind(1, record.next_attempt.millis);
    retry->Bind(2, record.seq);
    RENKEI_TRY_VOID(retry->Run());
  }
  if (!record.give_up && !record.counts_attempts) {
    RENKEI_TRY(Statement * behind,
               conn.Prepare("UPDATE outbox SET attempts = 1 "
                            "WHERE tenant = ? AND sub_id = ? AND seq > ? AND attempts = 0"));
    StatementLease lease(*behind);
    behind->Bind(1, *tenant);
    behind->Bind(2, record.subscription_id);
    behind->Bind(3, record.seq);
    RENKEI_TRY_VOID(behind->Run());
    failed += conn.LastChanges();
  }
  RENKEI_TRY(Statement * update,
             conn.Prepare("UPDATE subscriptions SET times_sent = times_sent + ?5, "
                          "last_notification = ?1, last_failure = ?1, last_failure_reason = ?2, "
                          "fails_counter = fails_counter + ?5, times_failed = times_failed + ?5 "
                          "WHERE tenant = ?3 AND id = ?4 "
                          "RETURNING fails_counter"));
  std::int64_t fails = 0;
  {
    StatementLease lease(*update);
    update->Bind(1, record.at.millis);
    update->Bind(2, record.failure_reason);
    update->Bind(3, *tenant);
    update->Bind(4, record.subscription_id);
    update->Bind(5, failed);
    RENKEI_TRY(bool has_row, update->Step());
    if (!has_row) return false;
    fails = update->ColumnInt(0);
    RENKEI_TRY_VOID(update->Run());
  }
  // Orion API manual, "maxFailsLimit": the subscription becomes inactive when failsCounter
  // is greater than it. Its queued notifications would never be sent, so they go too.
  if (!record.max_fails_limit || fails <= *record.max_fails_limit) return false;
  RENKEI_TRY(
      Statement * deactivate,
      conn.Prepare("UPDATE subscriptions SET status = 'inactive' WHERE tenant = ? AND id = ?"));
  {
    StatementLease lease(*deactivate);
    deactivate->Bind(1, *tenant);
    deactivate->Bind(2, record.subscription_id);
    RENKEI_TRY_VOID(deactivate->Run());
  }
  RENKEI_TRY(Statement * drain, conn.Prepare("DELETE FROM outbox WHERE tenant = ? AND sub_id = ?"));
  StatementLease lease(*drain);
  drain->Bind(1, *tenant);
  drain->Bind(2, record.subscription_id);
  RENKEI_TRY_VOID(drain->Run());
  return true;
}

}  // namespace renkei::store::sqlite
