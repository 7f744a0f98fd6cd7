#include "app/trusted_issuer_config.hpp"

#include <optional>

namespace renkei::app {
namespace {

base::Unexpected IssuerConfigError(const std::string& where, const std::string& detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "InvalidConfig", where + detail);
}

base::Result<std::string> Text(const std::string& where, std::string_view key,
                               const toml::node& node) {
  auto value = node.value<std::string>();
  if (!value) return IssuerConfigError(where, "." + std::string(key) + " must be a string");
  return *value;
}

base::Result<int> Seconds(const std::string& where, std::string_view key, const toml::node& node,
                          std::int64_t lowest, std::int64_t highest) {
  auto value = node.value<std::int64_t>();
  if (!value || *value < lowest || *value > highest) {
    return IssuerConfigError(where, "." + std::string(key) + " must be an integer from " +
                                        std::to_string(lowest) + " to " + std::to_string(highest));
  }
  return static_cast<int>(*value);
}

base::Result<void> ParseAcrLevels(const std::string& where, const toml::node& node,
                                  auth::TrustedIssuer& issuer) {
  const auto* table = node.as_table();
  if (table == nullptr) return IssuerConfigError(where, ".acr_levels must be a table");
  for (const auto& [acr, level_node] : *table) {
    // 当人認証レベル (行政手続におけるオンラインによる本人確認の手法に関するガイドライン): 1–3.
    auto level = level_node.value<std::int64_t>();
    if (!level || *level < 1 || *level > 3) {
      return IssuerConfigError(
          where, ".acr_levels.\"" + std::string(acr.str()) + "\" must be a level from 1 to 3");
    }
    issuer.acr_levels[std::string(acr.str())] = static_cast<int>(*level);
  }
  return base::Ok();
}

base::Result<void> ParseKey(const std::string& where, std::string_view key, const toml::node& node,
                            auth::TrustedIssuer& issuer) {
  constexpr std::int64_t kDay = 86400;
  if (key == "issuer") {
    RENKEI_TRY(issuer.issuer, Text(where, key, node));
  } else if (key == "audience") {
    RENKEI_TRY(issuer.audience, Text(where, key, node));
  } else if (key == "jwks_file") {
    RENKEI_TRY(issuer.jwks_file, Text(where, key, node));
  } else if (key == "jwks_url") {
    RENKEI_TRY(issuer.jwks_url, Text(where, key, node));
  } else if (key == "roles_claim") {
    RENKEI_TRY(issuer.roles_claim, Text(where, key, node));
  } else if (key == "tenant_claim") {
    RENKEI_TRY(issuer.tenant_claim, Text(where, key, node));
  } else if (key == "acr_levels") {
    RENKEI_TRY_VOID(ParseAcrLevels(where, node, issuer));
  } else if (key == "clock_skew_seconds") {
    RENKEI_TRY(issuer.clock_skew_seconds, Seconds(where, key, node, 0, 600));
  } else if (key == "jwks_refetch_seconds") {
    RENKEI_TRY(issuer.jwks_refetch_seconds, Seconds(where, key, node, 1, kDay));
  } else if (key == "jwks_max_age_seconds") {
    RENKEI_TRY(issuer.jwks_max_age_seconds, Seconds(where, key, node, 1, 7 * kDay));
  } else {
    return IssuerConfigError(where, ": unknown key '" + std::string(key) + "'");
  }
  return base::Ok();
}

}  // namespace

base::Result<auth::TrustedIssuer> ParseTrustedIssuer(const std::string& where,
                                                     const toml::table& table) {
  auth::TrustedIssuer issuer;
  for (const auto& [key, node] : table) {
    RENKEI_TRY_VOID(ParseKey(where, key.str(), node, issuer));
  }
  if (issuer.issuer.empty()) return IssuerConfigError(where, ".issuer is required");
  if (issuer.audience.empty()) return IssuerConfigError(where, ".audience is required");
  if (issuer.jwks_file.empty() == issuer.jwks_url.empty()) {
    return IssuerConfigError(where, ": exactly one of jwks_file and jwks_url is required");
  }
  if (!issuer.jwks_url.empty() && !issuer.jwks_url.starts_with("http://") &&
      !issuer.jwks_url.starts_with("https://")) {
    return IssuerConfigError(where, ".jwks_url must be an http:// or https:// URL");
  }
  return issuer;
}

}  // namespace renkei::app
