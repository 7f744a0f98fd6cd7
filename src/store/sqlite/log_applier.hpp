// The applier's SQL (ADR 0013 option B, store/sqlite/write_log.hpp): copies a batch of
// write-log records into the tables inside the caller's transaction, with the log position
// they reach, so the position always names exactly what the tables hold.
//
// The batch is coalesced (each key gets its newest state once, however many records wrote
// it) and written in row-id order, existing keys first and new keys in the order their first
// record wrote them: the order that makes a large batch touch each B-tree page once (the gate
// measurement in ADR 0013: 36 µs per entity at batches of 100k against 95 µs one by one).
// A key erased and written again within the batch is erased and inserted (a new entity, as
// on the direct path), not updated. Journal rows and import sources follow in record order.
//
// Not thread-safe: the writer connection, on the writer thread.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/unit_record.hpp"
#include "store/sqlite/value_index_catalog.hpp"

namespace renkei::store::sqlite {

// The tenant's row id, created when missing (in the caller's transaction).
using TenantIdOf = std::function<base::Result<std::int64_t>(const std::string& tenant)>;

// Writes `records` (in seq order, not empty) and sets the applied position to the last one's
// seq, with attr_index rows for the names `catalog` gives each tenant (reset by the caller
// when its transaction began). Returns whether any journal row was written.
base::Result<bool> ApplyRecords(Connection& conn, const std::vector<UnitRecord>& records,
                                const TenantIdOf& tenant_id_of, ValueIndexCatalog& catalog);

// The position the tables hold: the seq of the last record applied (0: none).
base::Result<std::uint64_t> ReadAppliedSeq(Connection& conn);

}  // namespace renkei::store::sqlite
