// One [[auth.tenants."T".issuers]] entry of the config file (docs/security.md "OpenID
// Connect"): an OpenID Connect provider the tenant trusts, with its JWKS and claim mapping.
#pragma once

#include <toml++/toml.h>

#include <string>

#include "auth/trusted_issuer.hpp"
#include "base/result.hpp"

namespace renkei::app {

// kInvalidRequest "InvalidConfig" naming `where` and the key for an unknown key, a missing
// issuer/audience, not exactly one of jwks_file/jwks_url, or a value out of range.
base::Result<auth::TrustedIssuer> ParseTrustedIssuer(const std::string& where,
                                                     const toml::table& table);

}  // namespace renkei::app
