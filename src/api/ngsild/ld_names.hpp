// How NGSI-LD names map onto the shared entity model (docs/ngsild-mapping.md): entity types
// and attribute names are stored as their expanded IRI compacted with the core @context
// alone, so a default-vocabulary name is stored as the short term an NGSIv2 client writes
// ("temperature") and a name from a user vocabulary stays a full IRI. Pure, thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "core/entity.hpp"
#include "core/jsonld/active_context.hpp"

namespace renkei::api::ngsild {

// The stored form of a term the request wrote under `request_context`.
std::string StoredName(const core::jsonld::ActiveContext& request_context, std::string_view term);
// The term a response shows for a stored name under `request_context`.
std::string OutputName(const core::jsonld::ActiveContext& request_context, std::string_view stored);
// The full IRI of a stored name (what discovery answers use as `id`, §5.2.25–§5.2.28).
std::string ExpandedName(std::string_view stored);
// The NGSI-LD type name of an attribute kind ("Property", "Relationship", ..., §4.5.3).
std::string_view AttributeTypeName(core::AttributeKind kind);

}  // namespace renkei::api::ngsild
