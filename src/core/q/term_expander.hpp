// TermExpander: how NGSI-LD selection parsers turn the terms a request writes (attribute
// names in q, entity types in a type selection) into the names the store holds, i.e. the
// JSON-LD expansion against the request's @context. core/q does not know JSON-LD: the API
// layer passes the expander in. It must be callable from the parsing thread only for the
// duration of the call; parsers never keep it.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace renkei::core::q {

using TermExpander = std::function<std::string(std::string_view)>;

// Keeps every term as written (no @context, or names that are already full IRIs).
inline std::string IdentityTerm(std::string_view term) { return std::string(term); }

}  // namespace renkei::core::q
