// Rows of the consents table (schema migration 9, store/consent_store.hpp). Every function
// works on the given connection inside the caller's transaction, if any.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/consent_store.hpp"
#include "store/sqlite/connection.hpp"

namespace renkei::store::sqlite {

// kUnprocessable ("TooManyConsents") when the resident has `max_live` live consents already;
// kAlreadyExists when the id is taken.
base::Result<void> InsertConsentRow(Connection& conn, const ConsentRecord& record,
                                    std::size_t max_live);
// kResourceNotFound when the tenant has no unrevoked consent with this id of this resident.
base::Result<void> RevokeConsentRow(Connection& conn, std::string_view tenant,
                                    std::string_view resident, std::string_view id,
                                    base::Timestamp at);
base::Result<std::vector<ConsentRecord>> ReadConsentRows(Connection& conn,
                                                         const ConsentFilter& filter);
base::Result<std::optional<ConsentRecord>> ReadLiveConsentRow(
    Connection& conn, std::string_view tenant, std::string_view resident, std::string_view app,
    std::string_view type, base::Timestamp now);

}  // namespace renkei::store::sqlite
