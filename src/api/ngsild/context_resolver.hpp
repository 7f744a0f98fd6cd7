// Where an NGSI-LD request's @context comes from (ETSI GS CIM 009 v1.8 §5.5.7, §6.3.5):
//   - HttpContextLoader: the ContextLoader for remote context URLs. A plain HTTP GET
//     (Boost.Beast) bounded by a timeout; documents are cached per URL for the life of the
//     process; failures are not cached (a later request retries). The core context URLs never
//     reach it (core/jsonld answers them). https URLs are refused (not supported yet).
//   - ContextResolver: the processed ActiveContext per distinct user context (a URL or the
//     inline text), so repeated requests with the same Link header do not reprocess it.
// Errors: kLdContextNotAvailable (503) for unreachable or invalid remote documents,
// kBadRequestData for invalid contexts (from core/jsonld).
// Thread-safety: both classes may be used concurrently from all request threads; caches are
// guarded by their mutex_. A fetch runs on the calling thread without holding the lock.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/jsonld/active_context.hpp"
#include "core/jsonld/context_loader.hpp"

namespace renkei::api::ngsild {

class HttpContextLoader final : public core::jsonld::ContextLoader {
 public:
  explicit HttpContextLoader(std::chrono::milliseconds timeout) : timeout_(timeout) {}
  base::Result<boost::json::value> Load(std::string_view url) override;

 private:
  base::Result<boost::json::value> Fetch(std::string_view url) const;

  std::chrono::milliseconds timeout_;
  std::mutex mutex_;
  std::unordered_map<std::string, boost::json::value> documents_;  // guarded by mutex_
};

class ContextResolver {
 public:
  explicit ContextResolver(core::jsonld::ContextLoader& loader) : loader_(loader) {}

  // The active context for `user_context` (a JSON string URL, an inline object or an array;
  // null for none: the core context).
  base::Result<std::shared_ptr<const core::jsonld::ActiveContext>> Resolve(
      const boost::json::value& user_context);

 private:
  static constexpr std::size_t kMaxCachedContexts = 1024;

  core::jsonld::ContextLoader& loader_;
  std::mutex mutex_;
  // Keyed by the serialized user context; guarded by mutex_.
  std::unordered_map<std::string, std::shared_ptr<const core::jsonld::ActiveContext>> contexts_;
};

}  // namespace renkei::api::ngsild
