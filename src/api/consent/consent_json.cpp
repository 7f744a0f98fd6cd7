#include "api/consent/consent_json.hpp"

namespace renkei::api::consent {
namespace {

namespace json = boost::json;

base::Unexpected Invalid(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "InvalidConsent", std::move(detail));
}

}  // namespace

base::Result<service::ConsentRequest> ParseConsentRequest(std::string_view body) {
  boost::system::error_code ec;
  const json::value document = json::parse(body, ec);
  if (ec || !document.is_object()) return Invalid("the body must be a JSON object");
  service::ConsentRequest out;
  bool has_app = false, has_types = false, has_purpose = false, has_expiry = false;
  for (const auto& [key, member] : document.get_object()) {
    if (key == "app") {
      if (!member.is_string()) return Invalid("app must be a string");
      out.app = std::string(member.get_string());
      has_app = true;
    } else if (key == "types") {
      if (!member.is_array()) return Invalid("types must be an array of type names");
      for (const auto& type : member.get_array()) {
        if (!type.is_string() || type.get_string().empty()) {
          return Invalid("types must be an array of type names");
        }
        out.types.emplace_back(type.get_string());
      }
      has_types = true;
    } else if (key == "purpose") {
      if (!member.is_string()) return Invalid("purpose must be a string");
      out.purpose = std::string(member.get_string());
      has_purpose = true;
    } else if (key == "expiresAt") {
      const auto time = member.is_string() ? base::ParseIso8601(member.get_string()) : std::nullopt;
      if (!time) return Invalid("expiresAt must be an ISO 8601 date-time");
      out.expires_at = *time;
      has_expiry = true;
    } else {
      return Invalid("unknown member '" + std::string(key) + "' (app, types, purpose, expiresAt)");
    }
  }
  if (!has_app || !has_types || !has_purpose || !has_expiry) {
    return Invalid("app, types, purpose and expiresAt are required");
  }
  return out;
}

json::object ConsentJson(const store::ConsentRecord& record) {
  json::array types;
  for (const auto& type : record.types) types.emplace_back(type);
  json::object out;
  out["id"] = record.id;
  out["resident"] = record.resident;
  out["app"] = record.app;
  out["types"] = std::move(types);
  out["purpose"] = record.purpose;
  out["expiresAt"] = base::FormatIso8601(record.expires_at);
  out["createdAt"] = base::FormatIso8601(record.created_at);
  if (record.revoked_at) out["revokedAt"] = base::FormatIso8601(*record.revoked_at);
  return out;
}

}  // namespace renkei::api::consent
