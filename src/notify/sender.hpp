// Sender: the seam between the delivery worker and the transports. DispatchingSender is the
// real one: HTTP(S) through http::Client (keep-alive reuse per receiver origin); MQTT is
// written separately (src/notify/mqtt/) and plugged in here when it lands.
// Thread-safety: Send may be called concurrently from the delivery threads.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "http/client.hpp"
#include "notify/outbound_message.hpp"

namespace renkei::notify {

struct SendOutcome {
  bool delivered = false;     // the receiver acknowledged (HTTP 2xx)
  std::optional<int> status;  // the receiver's HTTP status, when it answered
  std::string reason;         // why not delivered
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendOutcome Send(const OutboundMessage& message) = 0;
};

class DispatchingSender final : public Sender {
 public:
  // `default_timeout`: for messages without their own (http.timeout).
  DispatchingSender(http::Client& client, std::chrono::milliseconds default_timeout)
      : client_(client), default_timeout_(default_timeout) {}
  SendOutcome Send(const OutboundMessage& message) override;

 private:
  SendOutcome SendHttp(const OutboundMessage& message);

  http::Client& client_;
  std::chrono::milliseconds default_timeout_;
};

}  // namespace renkei::notify
