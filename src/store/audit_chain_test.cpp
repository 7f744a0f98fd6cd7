#include "store/audit_chain.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <vector>

namespace renkei::store {
namespace {

AuditRecord Sample() {
  AuditRecord record;
  record.seq = 7;
  record.time = base::Timestamp{1'700'000'000'000};
  record.tenant = "clinic";
  record.actor_kind = "bearerToken";
  record.actor_subject = "resident-1";
  record.resident = "resident-1";
  record.action = "read";
  record.entity_id = "urn:ngsi-ld:Vitals:1";
  record.entity_type = "Vitals";
  record.correlator = "c-1";
  record.prev_hash = std::string(64, 'a');
  return record;
}

TEST(AuditChain, HashIsSha256HexOfPrevHashAndContent) {
  AuditRecord record = Sample();
  const std::string hash = AuditChainHash(record);
  EXPECT_EQ(hash.size(), 64u);
  EXPECT_EQ(hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(AuditChainHash(record), hash);  // deterministic
  record.hash = "ignored";                  // the hash is not part of its own input
  EXPECT_EQ(AuditChainHash(record), hash);
}

TEST(AuditChain, EveryFieldAndThePreviousHashChangeTheHash) {
  const std::string original = AuditChainHash(Sample());
  std::vector<std::function<void(AuditRecord&)>> edits = {
      [](AuditRecord& r) { r.seq = 8; },
      [](AuditRecord& r) { r.time.millis += 1; },
      [](AuditRecord& r) { r.tenant = "clinic2"; },
      [](AuditRecord& r) { r.actor_kind = "apiKey"; },
      [](AuditRecord& r) { r.actor_subject = "resident-2"; },
      [](AuditRecord& r) { r.actor_client_id = "app"; },
      [](AuditRecord& r) { r.actor_issuer = "https://idp"; },
      [](AuditRecord& r) { r.resident = "resident-2"; },
      [](AuditRecord& r) { r.action = "write"; },
      [](AuditRecord& r) { r.entity_id = "urn:ngsi-ld:Vitals:2"; },
      [](AuditRecord& r) { r.entity_type = "Other"; },
      [](AuditRecord& r) { r.purpose = "care"; },
      [](AuditRecord& r) { r.allowed = false; },
      [](AuditRecord& r) { r.correlator = "c-2"; },
      [](AuditRecord& r) { r.prev_hash = std::string(64, 'b'); },
  };
  for (std::size_t i = 0; i < edits.size(); ++i) {
    AuditRecord edited = Sample();
    edits[i](edited);
    EXPECT_NE(AuditChainHash(edited), original) << "edit " << i;
  }
}

TEST(AuditChain, MovingTextBetweenFieldsChangesTheCanonicalForm) {
  AuditRecord a = Sample();
  a.actor_subject = "ab";
  a.actor_client_id = "c";
  AuditRecord b = Sample();
  b.actor_subject = "a";
  b.actor_client_id = "bc";
  EXPECT_NE(AuditCanonicalContent(a), AuditCanonicalContent(b));
  EXPECT_NE(AuditChainHash(a), AuditChainHash(b));
}

}  // namespace
}  // namespace renkei::store
