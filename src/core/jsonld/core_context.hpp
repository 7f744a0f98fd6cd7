// The NGSI-LD core @context (ETSI GS CIM 009 v1.8), built into the binary and
// processed once per process, and the way a request's @context is assembled: the user's
// contexts first, the core context last, so core terms and the core @vocab always win
// (NGSI-LD 1.8 §5.5.7: the core context cannot be overridden).
#pragma once

#include <memory>
#include <string_view>

#include <boost/json/value.hpp>

#include "base/result.hpp"
#include "core/jsonld/active_context.hpp"
#include "core/jsonld/context_loader.hpp"

namespace renkei::core::jsonld {

inline constexpr std::string_view kCoreContextUrl =
    "https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld";
// The core context's vocabulary mapping: the IRI prefix of terms no context defines.
inline constexpr std::string_view kDefaultContextVocab =
    "https://uri.etsi.org/ngsi-ld/default-context/";

// The embedded JSON text of the v1.8 core context document (core_context_v1_8.cpp).
std::string_view CoreContextText();

// True for the URL of the v1.8 core context and for those of earlier core contexts (v1.3 to
// v1.7 and the unversioned ngsi-ld-core-context.jsonld), which renkei treats as aliases of
// the built-in v1.8 one so that they are never fetched.
bool IsCoreContextUrl(std::string_view url);

// The processed core context. Built on first use (thread-safe) and then shared; never null.
std::shared_ptr<const ActiveContext> MakeCoreContext();

// The active context of a request: `user_context` (the payload's "@context" value or the
// Link header's URL as a JSON string; null or an empty array for none) processed with the
// override-protected flag, then the core context on top. Returns MakeCoreContext() itself
// when the user context adds nothing but core context URLs. Errors: as ProcessContext.
// Callers should cache the result per distinct user context; processing copies the core
// context's ~180 terms.
base::Result<std::shared_ptr<const ActiveContext>> WithUserContext(
    const boost::json::value& user_context, ContextLoader& loader);

}  // namespace renkei::core::jsonld
