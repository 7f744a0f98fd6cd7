// AuditStore: the append-only, hash-chained log of accesses to personal data (issue 5 item 5,
// docs/security.md "Audit log"). Every record carries the SHA-256 of the previous record's
// hash and its own canonical content (store/audit_chain.hpp), so editing or deleting a record
// breaks the chain at the next one and VerifyAudit finds it. One chain per store, all
// tenants together, in append order (`seq`).
//
// Appends are units for the backend's writer like entity writes (grouped into its commits):
// `done` runs after the commit is durable (or with the failure); callers do not wait for it
// (service/audit_trail.hpp).
// Reads may run on any thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

struct AuditRecord {
  std::int64_t seq = 0;  // assigned by the store, 1, 2, 3, ... in append order
  base::Timestamp time;
  std::string tenant;
  // Who acted (auth::Principal): kind "none" (the tenant has authentication off),
  // "anonymous", "apiKey" or "bearerToken"; subject, client id and issuer as authenticated.
  std::string actor_kind;
  std::string actor_subject;
  std::string actor_client_id;
  std::string actor_issuer;
  std::string resident;  // whose data: the entity's `owner` attribute ("" when none)
  std::string action;    // "read", "write" or "delete"
  std::string entity_id;
  std::string entity_type;
  std::string purpose;     // the purpose the caller gave ("" when none)
  bool allowed = true;     // false: the access was refused (authorization)
  std::string correlator;  // the request's Fiware-Correlator
  std::string prev_hash;   // hex SHA-256 of the previous record ("" for the first); by the store
  std::string hash;        // hex SHA-256 of prev_hash and the canonical content; by the store
};

struct AuditFilter {
  std::optional<std::string> tenant;
  std::optional<std::string> resident;
  std::optional<base::Timestamp> from;  // time >= from
  std::optional<base::Timestamp> to;    // time < to
  std::int64_t after_seq = 0;           // paging: records with seq > after_seq
  std::size_t limit = 100;
};

// The outcome of walking the chain from its first record.
struct AuditVerification {
  std::int64_t records = 0;  // records checked
  // The first record whose link is broken (its prev_hash is not its predecessor's hash, its
  // hash does not match its content, or its seq does not follow), and why.
  std::optional<std::int64_t> first_broken_seq;
  std::string reason;
  std::string head_hash;  // the last record's hash: record it elsewhere to detect truncation
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;

  // Appends `records` (seq, prev_hash and hash are set by the store) in one unit.
  virtual void AppendAudit(std::vector<AuditRecord> records, WriteDone done) = 0;
  // Records matching `filter` in seq order, at most filter.limit.
  virtual base::Result<std::vector<AuditRecord>> ReadAudit(const AuditFilter& filter) = 0;
  // Walks the whole chain.
  virtual base::Result<AuditVerification> VerifyAudit() = 0;
};

}  // namespace renkei::store
