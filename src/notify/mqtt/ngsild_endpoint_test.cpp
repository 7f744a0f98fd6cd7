#include "notify/mqtt/ngsild_endpoint.hpp"

#include <gtest/gtest.h>

namespace renkei::notify::mqtt {
namespace {

TEST(NgsiLdMqttEndpoint, SplitsBrokerTopicAndCredentials) {
  auto target =
      TargetFromNgsiLdUri("mqtt://renkei:p%40ss%3Aword@127.0.0.1:1884/304018/shelters", 2);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target->url, "mqtt://127.0.0.1:1884");
  EXPECT_EQ(target->topic, "304018/shelters");
  EXPECT_EQ(target->user, "renkei");
  EXPECT_EQ(target->passwd, "p@ss:word");
  EXPECT_EQ(target->qos, 2);
}

TEST(NgsiLdMqttEndpoint, WorksWithoutCredentialsOrPort) {
  auto target = TargetFromNgsiLdUri("mqtt://broker.example.jp/notify", 0);
  ASSERT_TRUE(target) << target.error().detail;
  EXPECT_EQ(target->url, "mqtt://broker.example.jp");
  EXPECT_EQ(target->topic, "notify");
  EXPECT_TRUE(target->user.empty());
  EXPECT_TRUE(target->passwd.empty());
}

TEST(NgsiLdMqttEndpoint, RefusesWhatCheckTargetRefuses) {
  for (const auto* uri : {"mqtt://broker", "mqtt://broker/", "broker/topic", "mqtt://broker/a/#",
                          "http://broker/topic", "mqtt://u:%zz@broker/t", "mqtt://u:%4@broker/t"}) {
    auto target = TargetFromNgsiLdUri(uri, 1);
    ASSERT_FALSE(target) << uri;
    EXPECT_EQ(target.error().code, base::ErrorCode::kBadRequestData) << uri;
  }
  EXPECT_FALSE(TargetFromNgsiLdUri("mqtt://broker/topic", 3));
}

}  // namespace
}  // namespace renkei::notify::mqtt
