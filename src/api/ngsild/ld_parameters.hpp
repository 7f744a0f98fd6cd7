// The URL query parameters each NGSI-LD route defines (ETSI GS CIM 009 v1.8 §6.4–§6.28, the
// "URI parameters" table of each resource and method) and the one check every request passes
// before its handler runs. The route table (ngsild_api.cpp) names one parameter set per route.
//
// Why a closed list: a parameter the operation does not define, or an `options`/`format`
// value it does not define, makes the request syntactically wrong, i.e. 400 InvalidRequest
// (§5.5.2 Table 5.5.2-1; the ETSI suite's 059_01 and 018_16 test it, tagged §6.3.20/§6.3.7). A typo
// such as `?tpye=Room` is therefore refused instead of silently widening the query. Pure data and
// pure functions; thread-safe.
#pragma once

#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/result.hpp"

namespace renkei::api::ngsild {

// What one route accepts: the parameter names, and the values its `options` parameter may
// list (`format` always takes the representation names of §6.3.7 when the route defines it).
struct LdParameters {
  std::span<const std::string_view> names;
  std::span<const std::string_view> options;
};

namespace ld_parameters {

// §6.3.7 / §4.5.3: the representations `options` and `format` may ask for, and sysAttrs.
inline constexpr std::string_view kReadOptions[] = {"keyValues", "simplified", "concise",
                                                    "normalized", "sysAttrs"};
inline constexpr std::string_view kNoOverwrite[] = {"noOverwrite"};  // §6.6.3.1, §6.17.3.1
inline constexpr std::string_view kUpsertOptions[] = {"replace", "update"};  // §6.15.3.1

// GET /entities (§6.4.3.2): the entity selection, geo-query, representation and pagination.
// Laid out by hand: one line per topic reads better than one name per line.
// clang-format off
inline constexpr std::string_view kQueryNames[] = {
    "id", "idPattern", "type", "attrs", "pick", "omit", "q", "csf", "scopeQ", "datasetId",
    "georel", "geometry", "coordinates", "geoproperty",
    "options", "format", "lang", "geometryProperty", "expandValues", "jsonKeys", "entityMap",
    "join", "joinLevel", "containedBy",
    "limit", "offset", "count", "local", "orderBy"};
// clang-format on
// DELETE /entities (§6.4.3.3, purge): the selection of GET /entities without representation.
inline constexpr std::string_view kPurgeNames[] = {
    "id",     "idPattern", "type", "q",    "georel", "geometry", "coordinates", "geoproperty",
    "scopeQ", "attrs",     "pick", "omit", "keep",   "drop",     "local"};
// GET /entities/{id} (§6.5.3.1).
inline constexpr std::string_view kRetrieveNames[] = {
    "attrs",     "pick",  "omit", "geometryProperty", "lang",        "options",   "format",
    "datasetId", "local", "join", "joinLevel",        "containedBy", "entityMap", "expandValues",
    "jsonKeys"};
// POST /entityOperations/query (§6.23.3.1): the selection is the body; these stay URL ones.
inline constexpr std::string_view kQueryPostNames[] = {
    "limit", "offset", "count", "options", "format", "local", "lang", "geometryProperty"};
// POST /entities/{id}/attrs (§6.6.3.1) and POST /entityOperations/update, /upsert (§6.15,
// §6.17).
inline constexpr std::string_view kOptionsNames[] = {"options", "local"};
// DELETE /entities/{id}/attrs/{attr} (§6.7.3.2).
inline constexpr std::string_view kDeleteAttributeNames[] = {"datasetId", "deleteAll", "local"};
// Entity and attribute writes without parameters of their own (§6.4.3.1, §6.5.3.2–4,
// §6.6.3.2, §6.7.3.1, §6.7.3.3, §6.14, §6.16, §6.31): only the distributed-operation
// `local`, which is what a broker without federation does anyway.
inline constexpr std::string_view kLocalOnly[] = {"local"};
// GET /types and GET /attributes (§6.25.3.1, §6.27.3.1).
inline constexpr std::string_view kDiscoveryListNames[] = {"details", "local"};
// GET /jsonldContexts (§6.29.3.2), GET /jsonldContexts/{id} (§6.30.3.1) and DELETE
// /jsonldContexts/{id} (§6.30.3.2).
inline constexpr std::string_view kContextListNames[] = {"details", "kind", "local"};
inline constexpr std::string_view kContextServeNames[] = {"details", "local"};
inline constexpr std::string_view kContextDeleteNames[] = {"reload", "local"};

// GET /subscriptions (§6.10.3.2).
inline constexpr std::string_view kSubscriptionListNames[] = {"limit", "offset", "count", "local"};

}  // namespace ld_parameters

// Checks `query` against `allowed` and collects the values of `options` and `format` into
// `options`. Errors: kInvalidRequest naming the first unknown parameter or value.
base::Result<void> CheckQueryParameters(
    const std::vector<std::pair<std::string, std::string>>& query, const LdParameters& allowed,
    std::set<std::string, std::less<>>& options);

}  // namespace renkei::api::ngsild
