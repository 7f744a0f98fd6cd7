// The audit log's hash chain (store/audit_store.hpp), the same for every backend:
//   hash(n) = hex(SHA-256(prev_hash(n) || canonical(n))), prev_hash(n) = hash(n-1), "" for n=1
// canonical(n) is every field of record n but the two hashes, seq included, each written as
// its byte length, ':' and its bytes, so no two different records share a canonical form.
#pragma once

#include <string>

#include "store/audit_store.hpp"

namespace renkei::store {

std::string AuditCanonicalContent(const AuditRecord& record);
// The hash `record` must carry given its prev_hash and content.
std::string AuditChainHash(const AuditRecord& record);

}  // namespace renkei::store
