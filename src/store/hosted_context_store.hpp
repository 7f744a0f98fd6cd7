// HostedContextStore: durable storage of the JSON-LD @contexts clients add to the broker
// (NGSI-LD "Add @context", ETSI GS CIM 009 v1.8 §5.13.2, kind "Hosted"), so that they survive
// a restart. Cached and built-in contexts are never stored: they can be fetched again.
//
// Hosted contexts are global, not per tenant (api/ngsild/context_catalog.hpp says why), so
// there is no tenant argument. The document is opaque JSON text to the store.
//
// Writes are units for the backend's writer like entity writes: `done` runs after the commit
// is durable (or with the failure), on the writer's thread. Reads may run on any thread.
// Thread-safety: every method may be called from any thread.
#pragma once

#include <string>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "store/entity_store.hpp"

namespace renkei::store {

struct HostedContextRecord {
  std::string local_id;  // the broker-assigned identifier (the last path segment of its URL)
  std::string document;  // JSON text of the stored object, {"@context": ...}
  base::Timestamp created_at;
  bool operator==(const HostedContextRecord&) const = default;
};

class HostedContextStore {
 public:
  virtual ~HostedContextStore() = default;

  // Every stored record, in the order they were added.
  virtual base::Result<std::vector<HostedContextRecord>> LoadHostedContexts() = 0;
  // Stores a new record; kAlreadyExists when one with this local_id is stored.
  virtual void AddHostedContext(HostedContextRecord record, WriteDone done) = 0;
  // Removes a record; kResourceNotFound when none has this local_id.
  virtual void EraseHostedContext(std::string local_id, WriteDone done) = 0;
};

}  // namespace renkei::store
