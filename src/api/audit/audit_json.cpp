#include "api/audit/audit_json.hpp"

namespace renkei::api::audit {

boost::json::object AuditRecordJson(const store::AuditRecord& record) {
  boost::json::object actor;
  actor["kind"] = record.actor_kind;
  actor["subject"] = record.actor_subject;
  actor["clientId"] = record.actor_client_id;
  actor["issuer"] = record.actor_issuer;
  boost::json::object out;
  out["seq"] = record.seq;
  out["time"] = base::FormatIso8601(record.time);
  out["tenant"] = record.tenant;
  out["actor"] = std::move(actor);
  out["resident"] = record.resident;
  out["action"] = record.action;
  out["entityId"] = record.entity_id;
  out["entityType"] = record.entity_type;
  out["purpose"] = record.purpose;
  out["allowed"] = record.allowed;
  out["correlator"] = record.correlator;
  out["prevHash"] = record.prev_hash;
  out["hash"] = record.hash;
  return out;
}

}  // namespace renkei::api::audit
