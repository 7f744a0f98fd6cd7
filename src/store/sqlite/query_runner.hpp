// Entity reads on one connection: FindById, Query and ListTypes. Each builds one SQL
// statement that pushes down what SQLite can decide exactly (tenant, expiry, ServicePath
// scope, id/type selectors incl. patterns via REGEXP, q existence tests) or as a safe
// superset (q value comparisons through attr_index, geo boxes through the R*Tree), then
// re-checks every candidate in C++ (q/mq Filter::Matches, GeoQuery::Matches) unless the
// whole query was exact. Results are therefore always those of filtering in C++.
// See docs/adr/0003-store-schema.md. Not thread-safe: one connection, one thread.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/entity_query.hpp"
#include "store/entity_store.hpp"
#include "store/sqlite/connection.hpp"
#include "store/sqlite/indexed_names.hpp"

namespace renkei::store::sqlite {

// The `now` of reads inside a write: a write sees expired entities that are not purged yet,
// so that a create over an expired key replaces it rather than failing on the unique key.
inline constexpr base::Timestamp kBeforeAnyExpiry{std::numeric_limits<std::int64_t>::min()};

// Entities with this id (and type) in scope, in creation order, at most `limit`. When
// `row_ids` is given it receives each entity's row id (for PutEntityRow's `previous`).
base::Result<std::vector<core::Entity>> RunFindById(Connection& conn, std::int64_t tenant,
                                                    const std::string& id,
                                                    const std::optional<std::string>& type,
                                                    const ServicePathScope& scope,
                                                    std::size_t limit, base::Timestamp now,
                                                    std::vector<std::int64_t>* row_ids = nullptr);

// EXPLAIN QUERY PLAN of the statement RunFindById runs, one plan line per row (for tests).
base::Result<std::string> ExplainFindById(Connection& conn, std::int64_t tenant,
                                          const std::string& id,
                                          const std::optional<std::string>& type,
                                          const ServicePathScope& scope);

// EXPLAIN QUERY PLAN of the page statement RunQuery runs for `query`.
base::Result<std::string> ExplainQuery(Connection& conn, std::int64_t tenant,
                                       const EntityQuery& query,
                                       ValueIndexPolicy policy = ValueIndexPolicy::kAll);

// `snapshot`: wrap multi-statement reads in a read transaction (readers); false inside the
// writer's transaction, which is already one. Conditions on attribute names without a ready
// value index (ADR 0018) are decided in C++; `uncatalogued`, when given, receives the names
// that have no index, not even one being built, and `catalogued` how many names the tenant
// has in the catalogue then.
base::Result<EntityPage> RunQuery(Connection& conn, std::int64_t tenant, const EntityQuery& query,
                                  bool snapshot, ValueIndexPolicy policy,
                                  std::vector<std::string>* uncatalogued = nullptr,
                                  std::size_t* catalogued = nullptr);

base::Result<std::vector<TypeSummary>> RunListTypes(Connection& conn, std::int64_t tenant,
                                                    const ServicePathScope& scope,
                                                    base::Timestamp now, std::size_t offset,
                                                    std::size_t limit, std::size_t* total,
                                                    TypeMembership membership);

}  // namespace renkei::store::sqlite
