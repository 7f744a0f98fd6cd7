// Target: where one MQTT notification goes, with exactly the fields of Orion's `mqtt`
// receiver (url, topic, qos, retain, user, passwd). CheckTarget turns one into the broker
// endpoint to connect to, refusing what a broker would refuse or misread: a URL that is not
// `mqtt://host[:port]` (1883 by default) or `mqtts://host[:port]` (TLS, 8883 by default), qos
// outside 0–2, an empty topic, a topic with the wildcards `+` or `#` (MQTT 3.1.1 §4.7.1: only
// subscriptions may use them) or a NUL, invalid UTF-8, a password without a user.
// Errors: kBadRequestData with the reason in `detail`; retrying the same target never helps,
// so a subscription can be refused with it at creation time.
#pragma once

#include <compare>
#include <string>

#include "base/result.hpp"

namespace renkei::notify::mqtt {

struct Target {
  std::string url;
  std::string topic;
  int qos = 0;
  bool retain = false;
  std::string user;
  std::string passwd;
};

// The broker and identity one connection serves; connections are shared by equal endpoints.
struct BrokerEndpoint {
  std::string host;  // a name or an IP address, IPv6 without brackets
  int port = 1883;
  bool tls = false;  // mqtts://: TLS, the broker's certificate verified against its host
  std::string user;
  std::string passwd;
  auto operator<=>(const BrokerEndpoint&) const = default;
};

inline constexpr int kDefaultMqttPort = 1883;
inline constexpr int kDefaultMqttsPort = 8883;

// Parses `mqtt://host[:port][/]` and `mqtts://…`; the host may be a bracketed IPv6 literal.
base::Result<BrokerEndpoint> ParseBrokerUrl(std::string_view url);

// Checks every field of `target` and returns the endpoint to publish through.
base::Result<BrokerEndpoint> CheckTarget(const Target& target);

}  // namespace renkei::notify::mqtt
