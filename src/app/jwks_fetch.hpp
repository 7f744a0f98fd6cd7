// Wires auth::JwtVerifier to the outside world: JWKS URLs are fetched with http::Client
// (auth knows no HTTP). Used by serve.cpp when a tenant trusts an OpenID Connect issuer.
#pragma once

#include <memory>

#include "auth/authenticator.hpp"
#include "auth/jwt_verifier.hpp"
#include "base/result.hpp"
#include "http/client.hpp"

namespace renkei::app {

// A verifier for every [[auth.tenants."T".issuers]]; JWKS files are read now (an error names
// the file). `client` must outlive the verifier.
base::Result<std::unique_ptr<auth::JwtVerifier>> MakeJwtVerifier(const auth::AuthSettings& settings,
                                                                 http::Client& client);

}  // namespace renkei::app
