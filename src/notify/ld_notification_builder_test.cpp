#include "notify/ld_notification_builder.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

namespace renkei::notify {
namespace {

namespace json = boost::json;

core::Entity Named(std::string id) {
  core::Entity e;
  e.id = std::move(id);
  e.types = {"Building"};
  return e;
}

Subscription LdJsonSubscription() {
  Subscription sub;
  sub.id = "urn:ngsi-ld:Subscription:s";
  sub.ld.emplace();
  sub.ld->accept = "application/ld+json";
  sub.ld->join = "flat";
  HttpReceiver http;
  http.url = "http://127.0.0.1:1/notify";
  sub.http = http;
  return sub;
}

std::vector<std::string> Ids(const json::array& data) {
  std::vector<std::string> ids;
  for (const auto& e : data) ids.emplace_back(e.at("id").as_string());
  return ids;
}

// §4.5.23 join=flat: the renderer answers each entity followed by what it links to; the
// message lists every linked entity once, after the entity linking to it, and never again
// an entity the notification notifies.
TEST(LdNotificationBuilder, FlatJoinListsEachLinkedEntityOnce) {
  const auto render = [](const core::Entity& e, const RenderRequest& request) -> json::value {
    EXPECT_TRUE(static_cast<bool>(request.linked));  // the context's fetch is passed on
    json::array several{json::object{{"id", e.id}}, json::object{{"id", "urn:City:1"}}};
    if (e.id == "urn:B:2") several.emplace_back(json::object{{"id", "urn:B:1"}});
    return several;
  };
  NotificationContext context;
  context.linked = [](const std::vector<std::string>&) { return std::vector<core::Entity>{}; };
  const OutboundMessage m =
      BuildLdMessage(LdJsonSubscription(), {Named("urn:B:1"), Named("urn:B:2")}, context, render,
                     /*deleted=*/true);
  const json::value body = json::parse(m.body);
  const json::array& data = body.at("data").as_array();
  EXPECT_EQ(Ids(data), (std::vector<std::string>{"urn:B:1", "urn:City:1", "urn:B:2"}));
  for (const auto& e : data) EXPECT_TRUE(e.as_object().contains("@context"));
  // deletedAt belongs to the notified (deleted) entities only.
  EXPECT_TRUE(data[0].as_object().contains("deletedAt"));
  EXPECT_FALSE(data[1].as_object().contains("deletedAt"));
  EXPECT_TRUE(data[2].as_object().contains("deletedAt"));
}

TEST(LdNotificationBuilder, OneObjectPerEntityWithoutJoin) {
  const auto render = [](const core::Entity& e, const RenderRequest& request) -> json::value {
    EXPECT_FALSE(static_cast<bool>(request.linked));
    return json::object{{"id", e.id}};
  };
  Subscription sub = LdJsonSubscription();
  sub.ld->join.clear();
  const OutboundMessage m = BuildLdMessage(sub, {Named("urn:B:1")}, NotificationContext{}, render);
  EXPECT_EQ(Ids(json::parse(m.body).at("data").as_array()), (std::vector<std::string>{"urn:B:1"}));
}

}  // namespace
}  // namespace renkei::notify
