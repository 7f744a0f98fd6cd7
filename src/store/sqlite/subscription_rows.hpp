// The SQL behind SubscriptionStore (store/subscription_store.hpp) on one connection: the
// subscriptions table, the entity-change journal and the outbox (schema.cpp migration 5).
// Write functions run on the writer's connection inside its transaction; read functions on
// any connection. Tenants are given by id (writer) or resolved by name (store-wide jobs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/connection.hpp"
#include "store/subscription_store.hpp"

namespace renkei::store::sqlite {

base::Result<std::vector<SubscriptionRecord>> ReadAllSubscriptionRows(Connection& conn);
base::Result<std::optional<SubscriptionRecord>> ReadSubscriptionRow(Connection& conn,
                                                                    std::int64_t tenant,
                                                                    const std::string& tenant_name,
                                                                    const std::string& id);
base::Result<std::vector<SubscriptionRecord>> ReadSubscriptionPage(
    Connection& conn, std::int64_t tenant, const std::string& tenant_name, std::size_t offset,
    std::size_t limit, std::size_t* total);
base::Result<std::int64_t> CountSubscriptionRows(Connection& conn, std::int64_t tenant);

base::Result<void> InsertSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const SubscriptionRecord& record,
                                         std::size_t max_per_tenant);
base::Result<void> UpdateSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const SubscriptionRecord& record);
base::Result<void> DeleteSubscriptionRow(Connection& conn, std::int64_t tenant,
                                         const std::string& id);

// One journal row (EntityChange); absent sides are stored as NULL.
struct ChangeRow {
  std::string_view correlator;
  const core::Entity* before = nullptr;
  const core::Entity* after = nullptr;
  bool forced_update = false;
  const std::vector<std::string>* written = nullptr;  // nullptr: not recorded (NULL)
  // core::EncodeEntity of their side, when known (the write log has them).
  const std::string* before_text = nullptr;
  const std::string* after_text = nullptr;
};
base::Result<void> InsertChangeRow(Connection& conn, std::int64_t tenant, const ChangeRow& row);
// The seq of the newest journal row ever committed (AUTOINCREMENT's), 0 when none.
base::Result<std::int64_t> ReadJournalPosition(Connection& conn);
base::Result<std::vector<EntityChange>> ReadChangeRows(Connection& conn, std::int64_t after_seq,
                                                       std::size_t limit);
// Returns how many entries the cap dropped.
base::Result<std::size_t> ApplyMatchCommit(Connection& conn, const MatchCommit& commit);

base::Result<std::vector<OutboxEntry>> ReadOutboxHeads(Connection& conn, std::size_t limit);
base::Result<std::vector<OutboxEntry>> ReadOutboxQueue(Connection& conn, const std::string& tenant,
                                                       const std::string& subscription_id,
                                                       std::int64_t after_seq, std::size_t limit);
base::Result<std::size_t> CountOutboxRows(Connection& conn, std::int64_t tenant);
// SubscriptionStore::HasPendingNotifications, the write log left aside.
base::Result<bool> ReadPendingNotifications(Connection& conn, const std::string& tenant,
                                            const std::string& subscription_id,
                                            base::Timestamp now);
base::Result<std::vector<NotifyBacklog>> ReadNotifyBacklog(Connection& conn);
// Returns true when the subscription was made inactive.
base::Result<bool> ApplyDeliveryRecord(Connection& conn, const DeliveryRecord& record);
// The records in order; consecutive successes of one subscription update its counters once.
// Returns true when a subscription was made inactive.
base::Result<bool> ApplyDeliveryRecords(Connection& conn,
                                        const std::vector<DeliveryRecord>& records);

}  // namespace renkei::store::sqlite
