#include "notify/outbound_message.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

namespace renkei::notify {
namespace {

namespace json = boost::json;

base::Unexpected Corrupt() {
  return base::Fail(base::ErrorCode::kInternalError, "InternalError", "corrupt outbox row");
}

}  // namespace

void EncodeOutbound(const OutboundMessage& m, store::OutboxEntry& entry) {
  json::object target;
  target["transport"] = m.transport == Transport::kHttp ? "http" : "mqtt";
  target["url"] = m.url;
  if (m.timeout_ms > 0) target["timeout"] = m.timeout_ms;
  if (m.transport == Transport::kHttp) {
    target["method"] = m.method;
  } else {
    target["topic"] = m.topic;
    target["qos"] = m.qos;
    target["retain"] = m.retain;
    if (!m.user.empty()) target["user"] = m.user;
    if (!m.passwd.empty()) target["passwd"] = m.passwd;
  }
  json::array headers;
  for (const auto& [k, v] : m.headers)
    headers.push_back(json::array{json::string(k), json::string(v)});
  entry.target = json::serialize(target);
  entry.headers = json::serialize(headers);
  entry.payload = m.body;
}

base::Result<OutboundMessage> DecodeOutbound(const store::OutboxEntry& entry) {
  json::error_code ec;
  json::value target = json::parse(entry.target, ec);
  if (ec || !target.is_object()) return Corrupt();
  json::value headers = json::parse(entry.headers, ec);
  if (ec || !headers.is_array()) return Corrupt();
  const auto& t = target.get_object();
  OutboundMessage m;
  auto str = [&](std::string_view key) {
    const auto* v = t.if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->get_string()) : std::string();
  };
  const std::string transport = str("transport");
  if (transport == "mqtt") {
    m.transport = Transport::kMqtt;
  } else if (transport != "http") {
    return Corrupt();
  }
  m.url = str("url");
  m.method = str("method");
  m.topic = str("topic");
  m.user = str("user");
  m.passwd = str("passwd");
  if (const auto* v = t.if_contains("timeout"); v != nullptr && v->is_int64()) {
    m.timeout_ms = v->get_int64();
  }
  if (const auto* v = t.if_contains("qos"); v != nullptr && v->is_int64()) {
    m.qos = static_cast<int>(v->get_int64());
  }
  if (const auto* v = t.if_contains("retain"); v != nullptr && v->is_bool()) {
    m.retain = v->get_bool();
  }
  for (const auto& h : headers.get_array()) {
    if (!h.is_array() || h.get_array().size() != 2 || !h.get_array()[0].is_string() ||
        !h.get_array()[1].is_string()) {
      return Corrupt();
    }
    m.headers.emplace_back(std::string(h.get_array()[0].get_string()),
                           std::string(h.get_array()[1].get_string()));
  }
  m.body = entry.payload;
  return m;
}

}  // namespace renkei::notify
