// The [auth] section of the config file (docs/security.md "Configuration"):
//   [auth.tenants."304018"]
//   enabled = true          # this tenant requires authentication (default: off)
//   personal_types = ["Vitals"]   # personal entity types (level 1), as if the policy declared them
//   [[auth.tenants."304018".issuers]]   # trusted OpenID Connect providers (trusted_issuer_config)
// Tenant names are normalised as the Fiware-Service header is (lower case, validated).
#pragma once

#include <toml++/toml.h>

#include "auth/authenticator.hpp"
#include "base/result.hpp"

namespace renkei::app {

base::Result<void> ParseAuthSection(const toml::table& section, auth::AuthSettings& settings);

}  // namespace renkei::app
