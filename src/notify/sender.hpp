// Sender: the seam between the delivery worker and the transports. DispatchingSender is the
// real one: HTTP(S) through http::Client (keep-alive reuse per receiver origin), MQTT through
// notify::mqtt::Publisher (pooled broker connections, acknowledged per the target's qos).
// SendBatch sends one subscription's queued messages in order; the HTTP ones to one receiver
// go out pipelined on one connection (http::Client::SendPipelined, docs/adr/0011).
// Thread-safety: Send and SendBatch may be called concurrently from the delivery threads.
#pragma once

#include <chrono>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "http/client.hpp"
#include "notify/mqtt/publisher.hpp"
#include "notify/outbound_message.hpp"

namespace renkei::notify {

struct SendOutcome {
  bool delivered = false;     // the receiver acknowledged (HTTP 2xx)
  std::optional<int> status;  // the receiver's HTTP status, when it answered
  std::string reason;         // why not delivered
  bool permanent = false;     // retrying cannot help (an invalid MQTT target): give up
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual SendOutcome Send(const OutboundMessage& message) = 0;
  // Sends `messages` in order and returns the outcomes up to and including the first that
  // was not delivered (all of them when each was). A message after a failed one may have
  // reached its receiver (pipelining) but has no outcome: it is not delivered as far as the
  // outbox is concerned and is sent again after the failed one. This default sends one at a
  // time, each after the previous was acknowledged.
  virtual std::vector<SendOutcome> SendBatch(std::span<const OutboundMessage> messages);
};

class DispatchingSender final : public Sender {
 public:
  // `default_timeout`: for messages without their own (http.timeout). `mqtt` may be null
  // (the MQTT library could not start): MQTT notifications then fail and are retried.
  DispatchingSender(http::Client& client, mqtt::Publisher* mqtt,
                    std::chrono::milliseconds default_timeout)
      : client_(client), mqtt_(mqtt), default_timeout_(default_timeout) {}
  SendOutcome Send(const OutboundMessage& message) override;
  // Runs of HTTP messages are pipelined (one window per run, at most `messages.size()`).
  std::vector<SendOutcome> SendBatch(std::span<const OutboundMessage> messages) override;

 private:
  http::ClientRequest HttpRequestOf(const OutboundMessage& message) const;
  SendOutcome SendHttp(const OutboundMessage& message);
  SendOutcome SendMqtt(const OutboundMessage& message);

  http::Client& client_;
  mqtt::Publisher* mqtt_;
  std::chrono::milliseconds default_timeout_;
};

}  // namespace renkei::notify
