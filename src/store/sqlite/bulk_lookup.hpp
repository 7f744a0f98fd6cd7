// The one-query existence check of a bulk write (WriteTransaction::FindByIds, ADR 0010): the
// stored entities of a chunk of ids, read with one statement instead of one per id.
// Not thread-safe: one connection, one thread (the writer's).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/entity.hpp"
#include "store/entity_query.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// Entities of the tenant in `scope` whose id is one of `ids` (any type, expired ones too: a
// write sees what is stored), in creation order; `row_ids` gets each one's row id.
base::Result<std::vector<core::Entity>> RunFindByIds(Connection& conn, std::int64_t tenant,
                                                     const std::vector<std::string>& ids,
                                                     const ServicePathScope& scope,
                                                     std::vector<std::int64_t>& row_ids);

}  // namespace renkei::store::sqlite
