// The `import_sources` table (migration 11, ADR 0017): where each imported entity row came
// from. Written by the import's write units, read by the quality report; the entities
// trigger removes a row with its entity. Not thread-safe: one connection, one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "store/entity_query.hpp"
#include "store/import_source.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// Inserts or replaces the row of each source's entity (by key in `tenant`); sources of keys
// without an entity are skipped.
// `row_of` (may be empty) gives the row id of keys the caller has just written, which
// spares their lookup by key (one probe of the entities' unique index per source).
using RowIdOf = std::function<std::optional<std::int64_t>(const EntitySource&)>;
base::Result<void> WriteImportSourceRows(Connection& conn, std::int64_t tenant,
                                         const std::vector<EntitySource>& sources,
                                         const RowIdOf& row_of = {});

// The sources of the tenant's entities of primary type `type` in `scope` (expired or not).
base::Result<std::vector<EntitySource>> ReadImportSourceRows(Connection& conn, std::int64_t tenant,
                                                             const std::string& type,
                                                             const ServicePathScope& scope);

}  // namespace renkei::store::sqlite
