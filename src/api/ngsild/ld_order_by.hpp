// The `orderBy` query parameter of NGSI-LD 1.9.1 (§4.23, §6.4.3.2): a comma list of
// `path[;asc|;desc]` where path is `id`, `type`, `createdAt`, `modifiedAt`, an attribute,
// or `attribute.member` with member createdAt, modifiedAt, observedAt or a sub-attribute.
// Attribute values compare as NGSIv2's orderBy does (a missing value first, then numbers,
// strings, …). Renkei implements v1.8 and serves this one later addition because
// apps paginate sorted lists with it (ETSI 019_19). BadRequestData for an empty path, an
// unknown direction or a path deeper than `attribute.member`.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/entity_query.hpp"

namespace renkei::api::ngsild {

// `expand` maps a term of the request's @context to its stored name.
base::Result<std::vector<store::OrderKey>> ParseLdOrderBy(
    std::string_view text, const std::function<std::string(std::string_view)>& expand);

}  // namespace renkei::api::ngsild
