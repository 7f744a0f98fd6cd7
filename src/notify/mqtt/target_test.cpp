#include "notify/mqtt/target.hpp"

#include <gtest/gtest.h>

namespace renkei::notify::mqtt {
namespace {

Target Valid() {
  return Target{"mqtt://broker.example.jp:1884", "shirahama/shelters", 1, false, "", ""};
}

std::string Refusal(const Target& target) {
  auto result = CheckTarget(target);
  EXPECT_FALSE(result) << "accepted " << target.url << " " << target.topic;
  if (result) return "";
  EXPECT_EQ(result.error().code, base::ErrorCode::kBadRequestData);
  return result.error().detail;
}

TEST(MqttTarget, ParsesHostAndPort) {
  auto endpoint = ParseBrokerUrl("mqtt://broker.example.jp:1884");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "broker.example.jp");
  EXPECT_EQ(endpoint->port, 1884);
}

TEST(MqttTarget, DefaultsToPort1883AndAcceptsATrailingSlash) {
  auto endpoint = ParseBrokerUrl("mqtt://127.0.0.1/");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "127.0.0.1");
  EXPECT_EQ(endpoint->port, kDefaultMqttPort);
}

TEST(MqttTarget, ParsesBracketedIpv6) {
  auto endpoint = ParseBrokerUrl("mqtt://[::1]:18200");
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->host, "::1");
  EXPECT_EQ(endpoint->port, 18200);
  auto default_port = ParseBrokerUrl("mqtt://[fe80::1]");
  ASSERT_TRUE(default_port);
  EXPECT_EQ(default_port->port, kDefaultMqttPort);
}

TEST(MqttTarget, RefusesBadUrls) {
  for (const char* url :
       {"", "http://broker:1883", "mqtt://", "mqtts://", "MQTT://broker", "mqtt://:1883",
        "mqtt://broker:", "mqtt://broker:0", "mqtt://broker:65536", "mqtt://broker:18x",
        "mqtt://broker/topic", "mqtt://broker?x=1", "mqtt://user:pw@broker", "mqtt://[::1",
        "mqtt://[::1]x", "mqtt://[::1]:"}) {
    Target target = Valid();
    target.url = url;
    EXPECT_FALSE(Refusal(target).empty()) << url;
  }
}

TEST(MqttTarget, ParsesMqttsWithItsOwnDefaultPort) {
  auto endpoint = ParseBrokerUrl("mqtts://broker.example.jp");
  ASSERT_TRUE(endpoint);
  EXPECT_TRUE(endpoint->tls);
  EXPECT_EQ(endpoint->port, kDefaultMqttsPort);
  auto explicit_port = ParseBrokerUrl("mqtts://broker.example.jp:18883");
  ASSERT_TRUE(explicit_port);
  EXPECT_EQ(explicit_port->port, 18883);
  auto plain = ParseBrokerUrl("mqtt://broker.example.jp");
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->tls);
}

TEST(MqttTarget, RefusesQosOutsideZeroToTwo) {
  for (int qos : {-1, 3, 42}) {
    Target target = Valid();
    target.qos = qos;
    EXPECT_NE(Refusal(target).find("qos"), std::string::npos) << qos;
  }
  for (int qos : {0, 1, 2}) {
    Target target = Valid();
    target.qos = qos;
    EXPECT_TRUE(CheckTarget(target)) << qos;
  }
}

TEST(MqttTarget, RefusesEmptyTopicAndWildcards) {
  for (const char* topic : {"", "a/+/b", "a/#", "#", "+"}) {
    Target target = Valid();
    target.topic = topic;
    EXPECT_NE(Refusal(target).find("topic"), std::string::npos) << topic;
  }
}

TEST(MqttTarget, RefusesNulAndInvalidUtf8InTopic) {
  Target target = Valid();
  target.topic = std::string("a\0b", 3);
  EXPECT_NE(Refusal(target).find("NUL"), std::string::npos);
  target.topic = "a/\xff\xfe";
  EXPECT_NE(Refusal(target).find("UTF-8"), std::string::npos);
  target.topic = "白浜町/避難所";
  EXPECT_TRUE(CheckTarget(target));
}

TEST(MqttTarget, RefusesAPasswordWithoutUser) {
  Target target = Valid();
  target.passwd = "secret";
  EXPECT_NE(Refusal(target).find("without a user"), std::string::npos);
  target.user = "renkei";
  auto endpoint = CheckTarget(target);
  ASSERT_TRUE(endpoint);
  EXPECT_EQ(endpoint->user, "renkei");
  EXPECT_EQ(endpoint->passwd, "secret");
}

}  // namespace
}  // namespace renkei::notify::mqtt
