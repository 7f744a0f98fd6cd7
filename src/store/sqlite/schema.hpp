// The SQLite schema as an ordered list of migrations (docs/adr/0003-store-schema.md).
// PRAGMA user_version holds the number of migrations applied; Migrate applies the missing
// ones in one transaction at open, so a crash mid-migration leaves the old version intact.
#pragma once

#include "base/result.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// Brings the database to the newest schema. kInternalError when the file is newer than
// this binary (user_version above the known migrations) or on any SQLite failure.
base::Result<void> Migrate(Connection& conn);

// The number of migrations this binary knows; user_version after Migrate.
int SchemaVersion();

}  // namespace renkei::store::sqlite
