// An audit record as JSON (GET /admin/v1/audit, /admin/v1/me/accesses; docs/security.md):
// {"seq", "time" (ISO 8601), "tenant", "actor": {"kind", "subject", "clientId", "issuer"},
//  "resident", "action", "entityId", "entityType", "purpose", "allowed", "correlator",
//  "prevHash", "hash"}.
#pragma once

#include <boost/json.hpp>

#include "store/audit_store.hpp"

namespace renkei::api::audit {

boost::json::object AuditRecordJson(const store::AuditRecord& record);

}  // namespace renkei::api::audit
