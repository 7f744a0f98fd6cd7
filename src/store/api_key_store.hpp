// ApiKeyStore: durable API keys of apps and devices (docs/security.md "API keys"). A key is
// stored only as the SHA-256 of its text (docs/adr/0008-api-keys-and-policies.md): whoever
// reads the database cannot call with it. Keys belong to one tenant; `key_id` is the public
// part of the key, unique across tenants, so a verifier finds the record without the tenant.
//
// Writes are units for the backend's writer like entity writes: `done` runs after the commit
// is durable (or with the failure), on the writer's thread, and must not block. Reads may run
// on any thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

struct ApiKeyRecord {
  std::string key_id;  // the public prefix of the key ("rk_" + 12 base64url characters)
  std::string tenant;  // the tenant the key acts in
  std::string app;     // the app or device it was issued to ("" when unnamed)
  std::vector<std::string> roles;
  std::string secret_hash;  // lower-case hex SHA-256 of the whole key text
  base::Timestamp created_at;
  std::optional<base::Timestamp> last_used_at;
  std::optional<base::Timestamp> revoked_at;
  bool operator==(const ApiKeyRecord&) const = default;
};

class ApiKeyStore {
 public:
  virtual ~ApiKeyStore() = default;

  // The record with this key id, revoked or not; nullopt when there is none.
  virtual base::Result<std::optional<ApiKeyRecord>> FindApiKey(const std::string& key_id) = 0;
  // The tenant's keys in creation order, revoked ones included.
  virtual base::Result<std::vector<ApiKeyRecord>> ListApiKeys(const std::string& tenant) = 0;
  // kAlreadyExists when the key id is taken.
  virtual void AddApiKey(ApiKeyRecord record, WriteDone done) = 0;
  // Marks the tenant's key revoked at `at`; kResourceNotFound when the tenant has no such
  // key that is not revoked already.
  virtual void RevokeApiKey(std::string tenant, std::string key_id, base::Timestamp at,
                            WriteDone done) = 0;
  // Records a use of the key (callers throttle it: docs/security.md "API keys").
  virtual void TouchApiKey(std::string key_id, base::Timestamp at, WriteDone done) = 0;
};

}  // namespace renkei::store
