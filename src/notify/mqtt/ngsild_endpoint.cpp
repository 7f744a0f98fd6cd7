#include "notify/mqtt/ngsild_endpoint.hpp"

#include <optional>

namespace renkei::notify::mqtt {
namespace {

base::Unexpected Invalid(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 3986 §2.1: user information is percent-encoded in a URI.
std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 2 >= text.size()) return std::nullopt;
    const int high = HexValue(text[i + 1]);
    const int low = HexValue(text[i + 2]);
    if (high < 0 || low < 0) return std::nullopt;
    out.push_back(static_cast<char>(high * 16 + low));
    i += 2;
  }
  return out;
}

}  // namespace

base::Result<Target> TargetFromNgsiLdUri(std::string_view uri, int qos) {
  const auto scheme_end = uri.find("://");
  if (scheme_end == std::string_view::npos) {
    return Invalid("MQTT endpoint '" + std::string(uri) + "' is not a URI");
  }
  const auto authority_start = scheme_end + 3;
  const auto slash = uri.find('/', authority_start);
  if (slash == std::string_view::npos || slash + 1 == uri.size()) {
    return Invalid("MQTT endpoint '" + std::string(uri) + "' names no topic");
  }
  std::string_view authority = uri.substr(authority_start, slash - authority_start);
  Target target;
  target.qos = qos;
  target.topic = std::string(uri.substr(slash + 1));
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = PercentDecode(userinfo.substr(0, colon));
    auto passwd = PercentDecode(colon == std::string_view::npos ? std::string_view()
                                                                : userinfo.substr(colon + 1));
    if (!user || !passwd) {
      return Invalid("MQTT endpoint has a malformed percent-encoding in its user information");
    }
    target.user = std::move(*user);
    target.passwd = std::move(*passwd);
  }
  target.url = std::string(uri.substr(0, authority_start)) + std::string(authority);
  auto checked = CheckTarget(target);
  if (!checked) return base::Unexpected{std::move(checked.error())};
  return target;
}

}  // namespace renkei::notify::mqtt
