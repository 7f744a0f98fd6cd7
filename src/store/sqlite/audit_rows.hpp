// Rows of the audit_log table (schema migration 6): the hash-chained audit log
// (store/audit_store.hpp, store/audit_chain.hpp). Every function works on the given
// connection inside the caller's transaction, if any; appends run on the writer connection,
// where the last row read is the latest one, committed or appended earlier in this batch.
#pragma once

#include <vector>

#include "base/result.hpp"
#include "store/audit_store.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// Appends the records after the last row, chaining each to its predecessor.
base::Result<void> InsertAuditRows(Connection& conn, const std::vector<AuditRecord>& records);
base::Result<std::vector<AuditRecord>> ReadAuditRows(Connection& conn, const AuditFilter& filter);
// Walks every row in seq order, recomputing the chain.
base::Result<AuditVerification> VerifyAuditRows(Connection& conn);

}  // namespace renkei::store::sqlite
