#include "notify/sender.hpp"

namespace renkei::notify {
namespace {

// A subscription's lastFailureReason in the words Orion gives it (libcurl's error texts, which
// Orion's clients and its functional cases 3541, 3842 and 1960 read) for the failures both
// brokers share; other failures keep the client's own description.
std::string FailureReason(const std::string& client_detail) {
  if (client_detail == "Connection refused") return "Could not connect to server";
  if (client_detail == "timed out") return "Timeout was reached";
  if (client_detail.starts_with("Host not found")) return "Could not resolve hostname";
  return client_detail;
}

SendOutcome OutcomeOf(const base::Result<http::ClientResponse>& response) {
  if (!response) {
    return SendOutcome{false, std::nullopt, FailureReason(response.error().detail), false};
  }
  const int status = static_cast<int>(response->status);
  if (status >= 200 && status < 300) return SendOutcome{true, status, "", false};
  return SendOutcome{false, status, "HTTP status " + std::to_string(status), false};
}

}  // namespace

std::vector<SendOutcome> Sender::SendBatch(std::span<const OutboundMessage> messages) {
  std::vector<SendOutcome> outcomes;
  for (const auto& message : messages) {
    outcomes.push_back(Send(message));
    if (!outcomes.back().delivered) break;
  }
  return outcomes;
}

std::vector<SendOutcome> DispatchingSender::SendBatch(std::span<const OutboundMessage> messages) {
  std::vector<SendOutcome> outcomes;
  outcomes.reserve(messages.size());
  std::size_t next = 0;
  while (next < messages.size()) {
    if (messages[next].transport != Transport::kHttp) {
      outcomes.push_back(Send(messages[next++]));
      if (!outcomes.back().delivered) return outcomes;
      continue;
    }
    std::vector<http::ClientRequest> requests;
    std::size_t end = next;
    for (; end < messages.size() && messages[end].transport == Transport::kHttp; ++end) {
      requests.push_back(HttpRequestOf(messages[end]));
    }
    const auto responses = client_.SendPipelined(requests, requests.size());
    for (const auto& response : responses) {
      outcomes.push_back(OutcomeOf(response));
      // The answers after a failed one are not outcomes: their messages go again after it.
      if (!outcomes.back().delivered) return outcomes;
    }
    next = end;
  }
  return outcomes;
}

SendOutcome DispatchingSender::Send(const OutboundMessage& message) {
  switch (message.transport) {
    case Transport::kHttp:
      return SendHttp(message);
    case Transport::kMqtt:
      return SendMqtt(message);
  }
  return SendOutcome{false, std::nullopt, "unknown transport", true};
}

SendOutcome DispatchingSender::SendMqtt(const OutboundMessage& message) {
  if (mqtt_ == nullptr) {
    // Stays in the outbox and is retried like a receiver that is down.
    return SendOutcome{false, std::nullopt, "MQTT delivery is not available", false};
  }
  const mqtt::Target target{message.url,    message.topic, message.qos,
                            message.retain, message.user,  message.passwd};
  const auto timeout =
      message.timeout_ms > 0 ? std::chrono::milliseconds(message.timeout_ms) : default_timeout_;
  auto published = mqtt_->Publish(target, message.body, timeout);
  if (published) return SendOutcome{true, std::nullopt, "", false};
  // publisher.hpp: kBadRequestData is a target no broker accepts; anything else may pass later.
  return SendOutcome{false, std::nullopt, published.error().detail,
                     published.error().code == base::ErrorCode::kBadRequestData};
}

http::ClientRequest DispatchingSender::HttpRequestOf(const OutboundMessage& message) const {
  http::ClientRequest request;
  request.method = message.method.empty() ? "POST" : message.method;
  request.url = message.url;
  request.headers = message.headers;
  request.body = message.body;
  request.timeout =
      message.timeout_ms > 0 ? std::chrono::milliseconds(message.timeout_ms) : default_timeout_;
  return request;
}

SendOutcome DispatchingSender::SendHttp(const OutboundMessage& message) {
  return OutcomeOf(client_.Send(HttpRequestOf(message)));
}

}  // namespace renkei::notify
