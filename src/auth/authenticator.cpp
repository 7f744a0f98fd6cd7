#include "auth/authenticator.hpp"

namespace renkei::auth {

base::Result<std::shared_ptr<const Principal>> Authenticator::Authenticate(
    const Credentials& credentials, const std::string& tenant, base::Timestamp now) const {
  if (!EnabledFor(tenant)) return std::shared_ptr<const Principal>();
  if (credentials.malformed_authorization) {
    return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                      "the Authorization header must be 'Bearer <token>'");
  }
  if (credentials.Empty()) {
    if (!settings_.allow_anonymous) {
      return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                        "this tenant requires authentication (X-Api-Key or a bearer token)");
    }
    auto anonymous = std::make_shared<Principal>();
    anonymous->tenant = tenant;
    return std::shared_ptr<const Principal>(std::move(anonymous));
  }
  for (const auto& verifier : verifiers_) {
    auto verified = verifier->Verify(credentials, tenant, now);
    if (!verified) continue;
    if (!*verified) return base::Fail(verified->error());
    return std::shared_ptr<const Principal>(std::make_shared<Principal>(std::move(**verified)));
  }
  return base::Fail(base::ErrorCode::kUnauthorized, "Unauthorized",
                    "the credentials presented are not accepted for this tenant");
}

}  // namespace renkei::auth
