// AuditApi through its public entry point with principals from a fake credential verifier
// (the real API key and OpenID Connect verifiers land separately) and an in-memory store.
#include "api/audit/audit_api.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace renkei::api::audit {
namespace {

class FixedClock final : public base::Clock {
 public:
  base::Timestamp Now() const override { return base::Timestamp{1'700'000'000'000}; }
};

// API keys named after who holds them: "resident-1", "resident-2", "admin" (tenant-admin),
// "operator" (platform-operator), "app" (no role).
class KeyVerifier final : public auth::CredentialVerifier {
 public:
  std::optional<base::Result<auth::SharedPrincipal>> Verify(const auth::Credentials& credentials,
                                                            const std::string& tenant,
                                                            base::Timestamp) const override {
    if (!credentials.api_key) return std::nullopt;
    auto principal = std::make_shared<auth::Principal>();
    principal->kind = auth::PrincipalKind::kApiKey;
    principal->subject = *credentials.api_key;
    principal->tenant = tenant;
    if (*credentials.api_key == "admin") principal->roles = {"tenant-admin"};
    if (*credentials.api_key == "operator") principal->roles = {"platform-operator"};
    return base::Result<auth::SharedPrincipal>(std::move(principal));
  }
};

// Filters as the SQLite store does (tenant, resident, after, limit).
class MemoryAuditStore final : public store::AuditStore {
 public:
  std::vector<store::AuditRecord> records;

  void AppendAudit(std::vector<store::AuditRecord>, store::WriteDone done) override {
    done(base::Ok());
  }
  base::Result<std::vector<store::AuditRecord>> ReadAudit(
      const store::AuditFilter& filter) override {
    std::vector<store::AuditRecord> out;
    for (const auto& record : records) {
      if (record.seq <= filter.after_seq) continue;
      if (filter.tenant && record.tenant != *filter.tenant) continue;
      if (filter.resident && record.resident != *filter.resident) continue;
      if (out.size() < filter.limit) out.push_back(record);
    }
    return out;
  }
  base::Result<store::AuditVerification> VerifyAudit() override {
    store::AuditVerification verification;
    verification.records = static_cast<std::int64_t>(records.size());
    return verification;
  }
};

class AuditApiTest : public ::testing::Test {
 protected:
  AuditApiTest() : authenticator_(auth::AuthSettings{{"clinic"}, false, {}, {}}) {
    authenticator_.AddVerifier(std::make_unique<KeyVerifier>());
    std::int64_t seq = 0;
    for (const char* resident : {"resident-1", "resident-2", "resident-1"}) {
      store::AuditRecord record;
      record.seq = ++seq;
      record.tenant = "clinic";
      record.resident = resident;
      record.action = "read";
      store_.records.push_back(record);
    }
  }

  http::Response Get(const std::string& path, const std::string& key,
                     std::vector<std::pair<std::string, std::string>> query = {}) {
    http::Request request;
    request.method = "GET";
    request.path = path;
    request.target = path;
    request.query = std::move(query);
    request.headers = {{"Fiware-Service", "clinic"}};
    if (!key.empty()) request.headers.emplace_back("X-Api-Key", key);
    http::Response answer;
    api_.Handle(std::move(request), [&answer](http::Response response) { answer = response; });
    return answer;
  }

  static std::vector<std::string> Residents(const http::Response& response) {
    std::vector<std::string> residents;
    const boost::json::value parsed = boost::json::parse(response.body);
    for (const auto& record : parsed.as_array()) {
      residents.emplace_back(record.at("resident").as_string());
    }
    return residents;
  }

  FixedClock clock_;
  auth::Authenticator authenticator_;
  MemoryAuditStore store_;
  AuditApi api_{store_, clock_, &authenticator_, nullptr};
};

TEST_F(AuditApiTest, ResidentSeesOnlyTheirOwnAccesses) {
  const auto mine = Get("/admin/v1/me/accesses", "resident-1");
  ASSERT_EQ(mine.status, 200u) << mine.body;
  EXPECT_EQ(Residents(mine), (std::vector<std::string>{"resident-1", "resident-1"}));
  EXPECT_EQ(Residents(Get("/admin/v1/me/accesses", "resident-2")),
            (std::vector<std::string>{"resident-2"}));
  // Naming another resident is refused, not obeyed.
  const auto other = Get("/admin/v1/me/accesses", "resident-1", {{"resident", "resident-2"}});
  EXPECT_EQ(other.status, 400u);
}

TEST_F(AuditApiTest, TheLogNeedsAnAdministratorRole) {
  const auto app = Get("/admin/v1/audit", "app");
  EXPECT_EQ(app.status, 403u);
  EXPECT_NE(app.body.find("urn:renkei:problem:Forbidden"), std::string::npos);
  EXPECT_EQ(Get("/admin/v1/audit", "resident-1").status, 403u);
  EXPECT_EQ(Get("/admin/v1/audit", "").status, 401u);
  const auto admin = Get("/admin/v1/audit", "admin", {{"resident", "resident-2"}});
  ASSERT_EQ(admin.status, 200u) << admin.body;
  EXPECT_EQ(Residents(admin), (std::vector<std::string>{"resident-2"}));
  EXPECT_EQ(Residents(Get("/admin/v1/audit", "operator")).size(), 3u);
}

TEST_F(AuditApiTest, VerifyNeedsThePlatformOperator) {
  EXPECT_EQ(Get("/admin/v1/audit/verify", "admin").status, 403u);
  const auto verified = Get("/admin/v1/audit/verify", "operator");
  ASSERT_EQ(verified.status, 200u) << verified.body;
  const auto body = boost::json::parse(verified.body).as_object();
  EXPECT_EQ(body.at("records").as_int64(), 3);
  EXPECT_TRUE(body.at("intact").as_bool());
}

}  // namespace
}  // namespace renkei::api::audit
