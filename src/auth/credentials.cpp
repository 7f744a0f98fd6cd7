#include "auth/credentials.hpp"

#include <cctype>

namespace renkei::auth {
namespace {

bool StartsWithNoCase(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

Credentials ReadCredentials(const HeaderLookup& header) {
  Credentials credentials;
  if (auto authorization = header("Authorization")) {
    // RFC 6750 §2.1: the scheme is case-insensitive, one space, then the token.
    const std::string_view value = Trim(*authorization);
    const std::string_view token = Trim(value.substr(std::min(value.size(), std::size_t{7})));
    if (StartsWithNoCase(value, "Bearer ") && !token.empty()) {
      credentials.bearer_token = std::string(token);
    } else {
      credentials.malformed_authorization = true;
    }
  }
  if (auto token = header("X-Auth-Token"); token && !Trim(*token).empty()) {
    const std::string_view value = Trim(*token);
    if (!credentials.bearer_token) {
      credentials.bearer_token = std::string(value);
    } else if (*credentials.bearer_token != value) {
      credentials.several = true;  // the same token in both headers is one credential
    }
  }
  if (auto key = header("X-Api-Key"); key && !Trim(*key).empty()) {
    credentials.api_key = std::string(Trim(*key));
    if (credentials.bearer_token) credentials.several = true;
  }
  return credentials;
}

}  // namespace renkei::auth
