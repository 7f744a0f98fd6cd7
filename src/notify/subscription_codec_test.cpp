#include "notify/subscription_codec.hpp"

#include <gtest/gtest.h>
#include <boost/json/serialize.hpp>

namespace renkei::notify {
namespace {

TEST(SubscriptionCodec, RoundTripsEveryField) {
  Subscription s;
  s.description = "d";
  store::EntitySelector a;
  a.id = "R1";
  a.type = "Room";
  store::EntitySelector b;
  b.id_pattern = ".*";
  b.type_pattern = "^R";
  s.entities = {a, b};
  s.condition_attrs = {"t"};
  s.q = "t>1";
  s.mq = "t.accuracy<2";
  s.georel = "near;maxDistance:10";
  s.geometry = "point";
  s.coords = "1,2";
  s.alteration_types = {AlterationType::kEntityDelete};
  s.notify_on_metadata_change = false;
  s.service_path = "/a/#";
  s.attrs = {"t"};
  s.metadata = {"previousValue"};
  s.attrs_format = AttrsFormat::kValues;
  s.only_changed_attrs = true;
  s.covered = true;
  HttpReceiver http;
  http.url = "http://x/${id}";
  http.custom = true;
  http.method = "PUT";
  http.timeout_ms = 500;
  http.headers = {{"h", "v"}};
  http.qs = {{"q", "w"}};
  http.payload.kind = PayloadKind::kNone;
  s.http = http;
  s.max_fails_limit = 3;
  s.expires = base::Timestamp{1'800'000'000'000};
  s.throttling = 5;
  s.status = "oneshot";
  auto back = DecodeSubscription(boost::json::serialize(EncodeSubscription(s)));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(boost::json::serialize(EncodeSubscription(*back)),
            boost::json::serialize(EncodeSubscription(s)));
  EXPECT_EQ(back->http->payload.kind, PayloadKind::kNone);
  EXPECT_EQ(back->expires, s.expires);

  Subscription m;
  m.mqtt.emplace();
  m.mqtt->url = "mqtt://127.0.0.1:1883";
  m.mqtt->topic = "t/x";
  m.mqtt->user = "u";
  m.mqtt->passwd = "secret";
  auto shown = EncodeSubscription(m, /*hide_secrets=*/true);
  EXPECT_EQ(shown.at("notification").at("mqtt").at("passwd"), "*****");
  auto stored = DecodeSubscription(boost::json::serialize(EncodeSubscription(m)));
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->mqtt->passwd, "secret");
  EXPECT_FALSE(DecodeSubscription("[").has_value());
}

TEST(SubscriptionCodec, KeepsTheOwnerForTheStoreOnly) {
  Subscription s;
  s.http.emplace();
  s.http->url = "http://127.0.0.1:1/";
  auto without = DecodeSubscription(boost::json::serialize(EncodeSubscription(s)));
  ASSERT_TRUE(without.has_value());
  EXPECT_FALSE(without->owner.has_value()) << "authentication off: no owner";
  s.owner = SubscriptionOwner{
      "bearerToken",        "市民-1", "watch-app", "https://idp.example", "town_a",
      {"reader", "family"}, 2};
  auto back = DecodeSubscription(boost::json::serialize(EncodeSubscription(s)));
  ASSERT_TRUE(back.has_value());
  ASSERT_TRUE(back->owner.has_value());
  EXPECT_EQ(*back->owner, *s.owner);
  auto corrupt = EncodeSubscription(s);
  corrupt["owner"] = boost::json::object{{"subject", "x"}};
  EXPECT_FALSE(DecodeSubscription(boost::json::serialize(corrupt)).has_value());
}

}  // namespace
}  // namespace renkei::notify
