// ContextResolver: the processed ActiveContext of a request's user @context (ETSI GS CIM 009
// v1.8 §5.5.7, §6.3.5), cached per distinct user context (a URL or the inline text), so that
// repeated requests with the same Link header do not process it again. The documents of the
// URLs it names come from the ContextCatalog (local, cached or downloaded there).
//
// Each cached result remembers which catalog entries it was built from; every request using
// it counts one use of them (numberOfHits), and a result whose entries were deleted, reloaded
// or have expired is built again.
// Errors: kLdContextNotAvailable for unreachable or invalid remote documents, kBadRequestData
// for invalid contexts (from core/jsonld).
// Thread-safety: Resolve may be called concurrently from all request threads; the cache is
// guarded by mutex_, which is not held while a context is built.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include <boost/json/value.hpp>

#include "api/ngsild/context_catalog.hpp"
#include "base/result.hpp"
#include "core/jsonld/active_context.hpp"

namespace renkei::api::ngsild {

class ContextResolver {
 public:
  explicit ContextResolver(ContextCatalog& catalog) : catalog_(catalog) {}

  // The active context for `user_context` (a JSON string URL, an inline object or an array;
  // null for none: the core context).
  base::Result<std::shared_ptr<const core::jsonld::ActiveContext>> Resolve(
      const boost::json::value& user_context);

 private:
  static constexpr std::size_t kMaxCachedContexts = 1024;

  struct Resolved {
    std::shared_ptr<const core::jsonld::ActiveContext> context;
    std::vector<ContextUse> uses;  // the catalog entries it was built from
  };

  ContextCatalog& catalog_;
  std::mutex mutex_;
  // Keyed by the serialized user context; guarded by mutex_.
  std::unordered_map<std::string, Resolved> contexts_;
};

}  // namespace renkei::api::ngsild
