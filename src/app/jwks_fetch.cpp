#include "app/jwks_fetch.hpp"

#include <chrono>

namespace renkei::app {
namespace {

// A key set is a few KiB; an IdP that answers slowly must not hold a request thread long.
constexpr std::chrono::milliseconds kJwksTimeout{3000};
constexpr std::size_t kMaxJwksBytes = 256 * 1024;

}  // namespace

base::Result<std::unique_ptr<auth::JwtVerifier>> MakeJwtVerifier(const auth::AuthSettings& settings,
                                                                 http::Client& client) {
  auth::JwksFetcher fetch = [&client](const std::string& url) -> base::Result<std::string> {
    http::ClientRequest request;
    request.url = url;
    request.headers.emplace_back("Accept", "application/json");
    request.timeout = kJwksTimeout;
    request.max_response_bytes = kMaxJwksBytes;
    RENKEI_TRY(auto response, client.Send(request));
    if (response.status != 200) {
      return base::Fail(base::ErrorCode::kInternalError, "JwksUnavailable",
                        url + " answered " + std::to_string(response.status));
    }
    return std::move(response.body);
  };
  return auth::JwtVerifier::Create(settings.trusted_issuers, std::move(fetch));
}

}  // namespace renkei::app
