#include "notify/sender.hpp"

namespace renkei::notify {

SendOutcome DispatchingSender::Send(const OutboundMessage& message) {
  switch (message.transport) {
    case Transport::kHttp:
      return SendHttp(message);
    case Transport::kMqtt:
      break;
  }
  // TODO(issue 4, MQTT): call notify::mqtt::Publisher::Publish(Target{url, topic, qos,
  // retain, user, passwd}, body, timeout) once src/notify/mqtt/ is on main. Until then an
  // MQTT notification stays in the outbox and is retried with backoff like a receiver that
  // is down, so nothing is lost when the sender arrives within the retry window.
  return SendOutcome{false, std::nullopt, "MQTT delivery is not available in this build"};
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
  if (!response) return SendOutcome{false, std::nullopt, response.error().detail};
  const int status = static_cast<int>(response->status);
  if (status >= 200 && status < 300) return SendOutcome{true, status, ""};
  return SendOutcome{false, status, "HTTP status " + std::to_string(status)};
}

}  // namespace renkei::notify
