// OutboundMessage: one notification ready to send, as the outbox keeps it. The store holds
// its parts as opaque text (store::OutboxEntry target/headers/payload); this file is the one
// place that encodes and decodes them. Stateless and thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "base/result.hpp"
#include "store/subscription_store.hpp"

namespace renkei::notify {

enum class Transport { kHttp, kMqtt };

struct OutboundMessage {
  Transport transport = Transport::kHttp;
  // HTTP: method and absolute URL (query string included); MQTT: broker URL.
  std::string method = "POST";
  std::string url;
  std::int64_t timeout_ms = 0;                               // 0: the sender's default
  std::vector<std::pair<std::string, std::string>> headers;  // HTTP only
  // MQTT only.
  std::string topic;
  int qos = 0;
  bool retain = false;
  std::string user;
  std::string passwd;
  std::string body;
  bool operator==(const OutboundMessage&) const = default;
};

// Fills entry.target, entry.headers and entry.payload.
void EncodeOutbound(const OutboundMessage& message, store::OutboxEntry& entry);
// kInternalError for a row this version did not write.
base::Result<OutboundMessage> DecodeOutbound(const store::OutboxEntry& entry);

}  // namespace renkei::notify
