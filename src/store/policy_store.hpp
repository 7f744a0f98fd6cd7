// PolicyStore: each tenant's authorization policy document (docs/security.md
// "Authorization policies"), stored as the JSON text the tenant's admin PUT after it was
// validated. The store does not read it.
//
// Writes are units for the backend's writer like entity writes: `done` runs after the commit
// is durable (or with the failure), on the writer's thread, and must not block. Reads may run
// on any thread. Thread-safety: every method may be called from any thread.
#pragma once

#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/time.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

class PolicyStore {
 public:
  virtual ~PolicyStore() = default;

  // The tenant's document; nullopt when none was ever stored.
  virtual base::Result<std::optional<std::string>> LoadPolicy(const std::string& tenant) = 0;
  // Replaces the tenant's document.
  virtual void StorePolicy(std::string tenant, std::string document, base::Timestamp at,
                           WriteDone done) = 0;
};

}  // namespace renkei::store
