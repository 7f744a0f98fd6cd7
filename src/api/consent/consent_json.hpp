// Consents as the consent endpoints read and answer them (docs/security.md "Personal data and
// consent"):
//   request  {"app": "family-watch", "types": ["Vitals"], "purpose": "見守り",
//             "expiresAt": "2027-06-01T00:00:00Z"}   (all four required, nothing else)
//   answer   {"id", "resident", "app", "types", "purpose", "expiresAt", "createdAt"} and
//            "revokedAt" once revoked.
// Pure, thread-safe.
#pragma once

#include <string_view>

#include <boost/json.hpp>

#include "base/result.hpp"
#include "service/consent_service.hpp"
#include "store/consent_store.hpp"

namespace renkei::api::consent {

// kBadRequestData "InvalidConsent" naming what is wrong.
base::Result<service::ConsentRequest> ParseConsentRequest(std::string_view body);
boost::json::object ConsentJson(const store::ConsentRecord& record);

}  // namespace renkei::api::consent
