// Rows of the hosted_contexts table (schema migration 4): the JSON-LD @contexts clients added
// to the broker (store/hosted_context_store.hpp). Every function works on the given
// connection inside the caller's transaction, if any.
#pragma once

#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/hosted_context_store.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// All rows in insertion order.
base::Result<std::vector<HostedContextRecord>> ReadHostedContextRows(Connection& conn);
// kAlreadyExists when the local id is taken.
base::Result<void> InsertHostedContextRow(Connection& conn, const HostedContextRecord& record);
// kResourceNotFound when no row has this local id.
base::Result<void> DeleteHostedContextRow(Connection& conn, std::string_view local_id);

}  // namespace renkei::store::sqlite
