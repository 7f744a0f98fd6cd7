// ContextLoader: the seam through which JSON-LD context processing obtains remote @context
// documents. The API layer implements it with an HTTP client and a cache; tests use fakes.
// The NGSI-LD core context URLs never reach a loader: they are answered by the built-in copy
// (see core_context.hpp).
#pragma once

#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.hpp"

namespace renkei::core::jsonld {

class ContextLoader {
 public:
  virtual ~ContextLoader() = default;

  // Returns the parsed JSON document found at `url` (an absolute IRI, as written in the
  // @context). The document is expected to be a JSON object holding an "@context" entry;
  // ProcessContext checks that. Any failure is returned as an Error; ProcessContext reports
  // it as kLdContextNotAvailable and keeps its detail.
  // Thread-safety: ProcessContext calls Load on the calling thread only, but one loader is
  // typically shared by all request threads, so implementations must be thread-safe.
  virtual base::Result<boost::json::value> Load(std::string_view url) = 0;
};

// A loader that refuses every URL, for callers that must not fetch anything (e.g. while
// processing contexts that are known to be inline or built in). Stateless, thread-safe.
class NoRemoteContexts final : public ContextLoader {
 public:
  base::Result<boost::json::value> Load(std::string_view url) override;
};

}  // namespace renkei::core::jsonld
