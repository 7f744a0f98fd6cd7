// JSON-LD 1.1 context processing (JSON-LD 1.1 API §4.1 Context Processing, §4.2 Create Term
// Definition) for what NGSI-LD payloads use: @context as a URL, an inline object, an array
// of those (later entries override earlier ones) or null (reset); term definitions as
// strings or objects with @id, @type, @container, @protected, @prefix, @language,
// @direction, @index, @nest, @reverse and scoped @context (accepted and kept unprocessed);
// @vocab, @base, @version 1.1, @propagate, @protected, @language, @direction; compact IRIs
// and keyword aliases. @import is rejected.
//
// Remote contexts come from the injected ContextLoader; the NGSI-LD core context URLs
// (core_context.hpp) are answered by the built-in copy and never loaded.
//
// Errors (base::Error, title = the NGSI-LD problem type):
//   - kLdContextNotAvailable: the loader failed for a URL (its detail is kept);
//   - kBadRequestData: an invalid context; the detail starts with the JSON-LD error code
//     ("invalid term definition", "invalid IRI mapping", "invalid vocab mapping",
//     "cyclic IRI mapping", "protected term redefinition", "invalid remote context",
//     "recursive context inclusion", "context overflow", ...);
//   - kOperationNotSupported: @import.
// Thread-safety: ProcessContext is reentrant; it calls the loader on the calling thread.
#pragma once

#include <memory>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/jsonld/active_context.hpp"
#include "core/jsonld/context_loader.hpp"

namespace renkei::core::jsonld {

struct ProcessingOptions {
  // Allow redefinition of protected terms (JSON-LD's "override protected" flag). NGSI-LD
  // request contexts use it: the core context is applied last anyway (core_context.hpp).
  bool override_protected = false;
  // Remote contexts may include remote contexts up to this nesting depth ...
  int max_remote_depth = 8;
  // ... and one call loads at most this many remote documents.
  int max_remote_contexts = 64;
  // Process the NGSI-LD core context after `local_context`, as its last entry (NGSI-LD 1.8
  // §5.5.7). Used by WithUserContext.
  bool append_core_context = false;
};

// Processes `local_context` (the value of an "@context" entry) on top of `base` and returns
// the resulting context. `base` is copied, not modified.
base::Result<std::shared_ptr<const ActiveContext>> ProcessContext(
    const boost::json::value& local_context, ContextLoader& loader, const ActiveContext& base,
    const ProcessingOptions& options = {});

}  // namespace renkei::core::jsonld
