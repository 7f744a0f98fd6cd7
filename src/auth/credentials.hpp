// Credentials: what a request presents to prove who it is, read from its headers once.
// Headers (docs/security.md): `Authorization: Bearer <jwt>` or FIWARE's `X-Auth-Token: <jwt>`
// carry an OpenID Connect token; `X-Api-Key: <key>` an API key.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace renkei::auth {

struct Credentials {
  std::optional<std::string> bearer_token;
  std::optional<std::string> api_key;
  bool malformed_authorization = false;  // an Authorization header that is not `Bearer <token>`
  // More than one credential: an API key beside a bearer token, or two different bearer
  // tokens (Authorization and X-Auth-Token). RFC 6750 §2: a client uses one method per
  // request; which one would count is not the caller's to leave open (docs/security.md).
  bool several = false;

  bool Empty() const { return !bearer_token && !api_key && !malformed_authorization; }
};

// Looks a header up by name (case-insensitive, as http::Request::Header does).
using HeaderLookup = std::function<std::optional<std::string_view>(std::string_view name)>;

Credentials ReadCredentials(const HeaderLookup& header);

}  // namespace renkei::auth
