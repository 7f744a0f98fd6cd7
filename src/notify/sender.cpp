#include "notify/sender.hpp"

namespace renkei::notify {

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

SendOutcome DispatchingSender::SendHttp(const OutboundMessage& message) {
  http::ClientRequest request;
  request.method = message.method.empty() ? "POST" : message.method;
  request.url = message.url;
  request.headers = message.headers;
  request.body = message.body;
  request.timeout =
      message.timeout_ms > 0 ? std::chrono::milliseconds(message.timeout_ms) : default_timeout_;
  auto response = client_.Send(request);
  if (!response) return SendOutcome{false, std::nullopt, response.error().detail, false};
  const int status = static_cast<int>(response->status);
  if (status >= 200 && status < 300) return SendOutcome{true, status, "", false};
  return SendOutcome{false, status, "HTTP status " + std::to_string(status), false};
}

}  // namespace renkei::notify
