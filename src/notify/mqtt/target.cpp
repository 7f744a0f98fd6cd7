#include "notify/mqtt/target.hpp"

#include <charconv>

#include <mosquitto.h>

namespace renkei::notify::mqtt {
namespace {

base::Unexpected Invalid(std::string detail) {
  return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
}

// MQTT 3.1.1 §1.5.3: strings (topic, user name) are at most 65535 bytes of UTF-8.
constexpr std::size_t kMaxMqttString = 65535;

base::Result<void> CheckMqttString(std::string_view what, std::string_view text) {
  if (text.size() > kMaxMqttString) {
    return Invalid(std::string(what) + " is longer than 65535 bytes");
  }
  if (text.find('\0') != std::string_view::npos) {
    return Invalid(std::string(what) + " contains a NUL character");
  }
  if (mosquitto_validate_utf8(text.data(), static_cast<int>(text.size())) != MOSQ_ERR_SUCCESS) {
    return Invalid(std::string(what) + " is not valid UTF-8");
  }
  return base::Ok();
}

}  // namespace

base::Result<BrokerEndpoint> ParseBrokerUrl(std::string_view url) {
  const std::string shown = "MQTT url '" + std::string(url) + "'";
  BrokerEndpoint endpoint;
  std::string_view rest;
  if (url.starts_with("mqtt://")) {
    rest = url.substr(7);
  } else if (url.starts_with("mqtts://")) {
    rest = url.substr(8);
    endpoint.tls = true;
    endpoint.port = kDefaultMqttsPort;
  } else {
    return Invalid(shown + " must start with mqtt:// or mqtts://");
  }
  // Orion: the url names only the broker; the topic is a field of its own.
  const auto path = rest.find_first_of("/?#");
  if (path != std::string_view::npos) {
    if (rest.substr(path) != "/") {
      return Invalid(shown + " must not have a path, query or fragment (the topic is separate)");
    }
    rest = rest.substr(0, path);
  }
  if (rest.find('@') != std::string_view::npos) {
    return Invalid(shown + " must not carry credentials; use user and passwd");
  }
  std::string_view port_text;
  if (rest.starts_with('[')) {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return Invalid(shown + " has an unclosed '['");
    endpoint.host = std::string(rest.substr(1, close - 1));
    const auto after = rest.substr(close + 1);
    if (!after.empty() && !after.starts_with(':')) {
      return Invalid(shown + " has text after the IPv6 address");
    }
    if (after == ":") return Invalid(shown + " has an empty port");
    if (!after.empty()) port_text = after.substr(1);
  } else {
    const auto colon = rest.find(':');
    endpoint.host = std::string(rest.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      if (port_text.empty()) return Invalid(shown + " has an empty port");
    }
  }
  if (endpoint.host.empty()) return Invalid(shown + " has no host");
  if (!port_text.empty()) {
    int port = 0;
    const auto* end = port_text.data() + port_text.size();
    const auto [ptr, ec] = std::from_chars(port_text.data(), end, port);
    if (ec != std::errc() || ptr != end || port < 1 || port > 65535) {
      return Invalid(shown + " has an invalid port (1-65535)");
    }
    endpoint.port = port;
  }
  return endpoint;
}

base::Result<BrokerEndpoint> CheckTarget(const Target& target) {
  RENKEI_TRY(BrokerEndpoint endpoint, ParseBrokerUrl(target.url));
  if (target.qos < 0 || target.qos > 2) {
    return Invalid("MQTT qos must be 0, 1 or 2, not " + std::to_string(target.qos));
  }
  if (target.topic.empty()) return Invalid("MQTT topic must not be empty");
  if (target.topic.find_first_of("+#") != std::string::npos) {
    return Invalid("MQTT topic '" + target.topic +
                   "' must not contain the wildcards '+' or '#' (only subscriptions may)");
  }
  RENKEI_TRY_VOID(CheckMqttString("MQTT topic", target.topic));
  RENKEI_TRY_VOID(CheckMqttString("MQTT user", target.user));
  RENKEI_TRY_VOID(CheckMqttString("MQTT passwd", target.passwd));
  // MQTT 3.1.1 §3.1.2.9: a password flag without the user name flag is a protocol error.
  if (target.user.empty() && !target.passwd.empty()) {
    return Invalid("MQTT passwd given without a user");
  }
  endpoint.user = target.user;
  endpoint.passwd = target.passwd;
  return endpoint;
}

}  // namespace renkei::notify::mqtt
