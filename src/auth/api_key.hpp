// API key text (docs/security.md "API keys", docs/adr/0008-api-keys-and-policies.md):
//   rk_<id>.<secret>
// <id> is 12 base64url characters from 9 random bytes: public, names the key in lists and
// logs and finds its record. <secret> is 43 base64url characters from 32 bytes of OpenSSL's
// RAND_bytes. The store keeps only the SHA-256 of the whole text. Pure, thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace renkei::auth {

struct GeneratedApiKey {
  std::string key_id;  // "rk_" + <id>
  std::string text;    // the whole key, shown once
};

// kInternalError when the random generator fails (never a weak key).
base::Result<GeneratedApiKey> GenerateApiKey();
// The key id of a well-formed key text; nullopt for anything else.
std::optional<std::string_view> ApiKeyIdOf(std::string_view text);
// Lower-case hex SHA-256 of the key text.
std::string HashApiKey(std::string_view text);
// Constant-time comparison of two hashes (no timing hint of how much matched).
bool SameHash(std::string_view a, std::string_view b);

}  // namespace renkei::auth
