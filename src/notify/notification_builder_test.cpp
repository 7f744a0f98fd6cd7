#include "notify/notification_builder.hpp"

#include <gtest/gtest.h>
#include <boost/json/parse.hpp>

#include "http/message.hpp"

namespace renkei::notify {
namespace {

namespace json = boost::json;

// A stand-in for the dialect's renderer: id, type and attribute values, with the format
// and the metadata names seen, so the tests see what the builder asked for.
json::value FakeRender(const core::Entity& e, const RenderRequest& r) {
  json::object o;
  o["id"] = e.id;
  o["type"] = e.PrimaryType();
  o["format"] = AttrsFormatName(r.format);
  for (const auto& a : e.attributes) {
    json::object attr;
    attr["value"] = a.value;
    attr["type"] = a.type;
    json::object md;
    for (const auto& m : a.metadata) md[m.name] = m.value;
    attr["metadata"] = md;
    o[a.name] = attr;
  }
  return o;
}

core::Attribute Attr(std::string name, json::value value) {
  core::Attribute a;
  a.name = std::move(name);
  a.type = "Number";
  a.value = std::move(value);
  return a;
}

struct Built {
  OutboundMessage message;
  json::value body;
};

Built Build(Subscription sub, std::optional<core::Entity> before, core::Entity after,
            std::string tenant = "304018") {
  sub.id = "sub1";
  store::EntitySelector any;
  any.id_pattern = ".*";
  sub.entities = {any};
  if (!sub.http && !sub.mqtt) {
    sub.http.emplace();
    sub.http->url = "http://127.0.0.1:9/notify";
  }
  auto compiled = CompiledSubscription::Compile("t", std::move(sub));
  EXPECT_TRUE(compiled.has_value());
  store::EntityChange change;
  change.before = std::move(before);
  change.after = std::move(after);
  auto trigger = Match(**compiled, change);
  EXPECT_TRUE(trigger.has_value());
  NotificationContext ctx{std::move(tenant), "corr-1", 2, 0, {}, {}};
  auto m = BuildNotification(**compiled, *trigger, change, ctx, FakeRender);
  EXPECT_TRUE(m.has_value()) << m.error().detail;
  Built b{*m, nullptr};
  if (!m->body.empty() && m->body.front() == '{') b.body = json::parse(m->body);
  return b;
}

core::Entity Room(std::vector<core::Attribute> attrs) {
  core::Entity e;
  e.id = "R1";
  e.types = {"Room"};
  e.service_path = "/bosai";
  e.attributes = std::move(attrs);
  return e;
}

TEST(NotificationBuilder, DefaultNotificationHasOrionHeadersAndEnvelope) {
  auto b = Build(Subscription{}, std::nullopt, Room({Attr("t", 1)}));
  EXPECT_EQ(b.message.method, "POST");
  EXPECT_EQ(b.message.url, "http://127.0.0.1:9/notify");
  const auto& h = b.message.headers;
  EXPECT_EQ(http::FindHeader(h, "Fiware-Service"), "304018");
  EXPECT_EQ(http::FindHeader(h, "Fiware-ServicePath"), "/bosai");
  EXPECT_EQ(http::FindHeader(h, "Ngsiv2-AttrsFormat"), "normalized");
  EXPECT_EQ(http::FindHeader(h, "Fiware-Correlator"), "corr-1; cbnotif=2");
  EXPECT_EQ(http::FindHeader(h, "Content-Type"), "application/json; charset=utf-8");
  EXPECT_EQ(b.body.at("subscriptionId"), "sub1");
  EXPECT_EQ(b.body.at("data").at(0).at("t").at("value"), 1);
  // The default service sends no Fiware-Service (Orion).
  auto d = Build(Subscription{}, std::nullopt, Room({Attr("t", 1)}), "");
  EXPECT_FALSE(http::FindHeader(d.message.headers, "Fiware-Service").has_value());
}

TEST(NotificationBuilder, AttributeSelectionOnlyChangedCoveredAndBuiltins) {
  Subscription s;
  s.attrs = {"t", "h", "missing", "alterationType"};
  s.covered = true;
  s.metadata = {"previousValue", "actionType"};
  auto b = Build(s, Room({Attr("t", 1), Attr("h", 1), Attr("x", 1)}),
                 Room({Attr("t", 2), Attr("h", 1), Attr("x", 1)}));
  const auto& e = b.body.at("data").at(0).as_object();
  EXPECT_FALSE(e.contains("x"));
  EXPECT_EQ(e.at("t").at("metadata").at("previousValue"), 1);
  EXPECT_EQ(e.at("t").at("metadata").at("actionType"), "update");
  EXPECT_FALSE(e.at("h").at("metadata").as_object().contains("actionType")) << "h unchanged";
  EXPECT_EQ(e.at("missing").at("type"), "None");
  EXPECT_TRUE(e.at("missing").at("value").is_null());
  EXPECT_EQ(e.at("alterationType").at("value"), "entityChange");

  // An attribute the update added is "append", one it changed "update" (Orion case 2549).
  Subscription action;
  action.metadata = {"actionType"};
  auto added = Build(action, Room({Attr("t", 1)}), Room({Attr("t", 2), Attr("n", 1)}));
  const auto& a = added.body.at("data").at(0).as_object();
  EXPECT_EQ(a.at("n").at("metadata").at("actionType"), "append");
  EXPECT_EQ(a.at("t").at("metadata").at("actionType"), "update");

  Subscription only;
  only.only_changed_attrs = true;
  only.except_attrs = {"x"};
  b = Build(only, Room({Attr("t", 1), Attr("h", 1), Attr("x", 1)}),
            Room({Attr("t", 2), Attr("h", 1), Attr("x", 5)}));
  const auto& o = b.body.at("data").at(0).as_object();
  EXPECT_TRUE(o.contains("t"));
  EXPECT_FALSE(o.contains("h"));
  EXPECT_FALSE(o.contains("x"));
}

TEST(NotificationBuilder, SimplifiedFormatsDropTheEnvelope) {
  Subscription s;
  s.attrs_format = AttrsFormat::kSimplifiedKeyValues;
  auto b = Build(s, std::nullopt, Room({Attr("t", 1)}));
  EXPECT_EQ(b.body.at("id"), "R1");
  EXPECT_EQ(b.body.at("format"), "keyValues");
  EXPECT_EQ(http::FindHeader(b.message.headers, "Ngsiv2-AttrsFormat"), "simplifiedKeyValues");
}

TEST(NotificationBuilder, HttpCustomSubstitutesUrlQsHeadersAndPayloads) {
  Subscription s;
  HttpReceiver http;
  http.url = "http://127.0.0.1:9/e/${id}";
  http.custom = true;
  http.method = "PUT";
  // Orion case 2015: qs sorted by name; a null (missing) macro leaves a qs or header out.
  http.qs = {{"type", "${type}"}, {"a1", "${t}"}, {"a2", "${missing}"}};
  http.headers = {{"X-T", "${t}"},
                  {"X-Missing", "${missing}"},
                  {"Fiware-Correlator", "forged"},
                  {"Accept", ""},
                  {"Authorization", "Basic QQ%3D%3D"}};
  http.payload.kind = PayloadKind::kText;
  http.payload.text = "t is %22${t}%22 in ${servicePath}";
  s.http = http;
  auto b = Build(s, std::nullopt, Room({Attr("t", 21)}));
  EXPECT_EQ(b.message.method, "PUT");
  EXPECT_EQ(b.message.url, "http://127.0.0.1:9/e/R1?a1=21&type=Room");
  EXPECT_EQ(b.message.body, "t is \"21\" in /bosai");
  const auto& h = b.message.headers;
  EXPECT_EQ(http::FindHeader(h, "X-T"), "21");
  EXPECT_FALSE(http::FindHeader(h, "X-Missing").has_value());
  EXPECT_EQ(http::FindHeader(h, "Fiware-Correlator"), "corr-1; cbnotif=2");
  EXPECT_FALSE(http::FindHeader(h, "Accept").has_value()) << "an empty value removes it";
  EXPECT_EQ(http::FindHeader(h, "Authorization"), "Basic QQ==");
  EXPECT_EQ(http::FindHeader(h, "Ngsiv2-AttrsFormat"), "custom");
  EXPECT_EQ(http::FindHeader(h, "Content-Type"), "text/plain; charset=utf-8");

  http.payload.kind = PayloadKind::kJson;
  http.payload.json = json::parse(R"({"temp":"${t}","who":"${id}"})");
  s.http = http;
  b = Build(s, std::nullopt, Room({Attr("t", 21)}));
  EXPECT_EQ(b.body, json::parse(R"({"temp":21,"who":"R1"})"));

  http.payload.kind = PayloadKind::kNgsi;
  http.payload.json = json::parse(R"({"id":"x:${id}","src":{"value":"${service}","type":"Text"}})");
  s.http = http;
  b = Build(s, std::nullopt, Room({Attr("t", 21)}));
  EXPECT_EQ(b.body.at("data").at(0).at("id"), "x:R1");
  EXPECT_EQ(b.body.at("data").at(0).at("src").at("value"), "304018");
  EXPECT_EQ(http::FindHeader(b.message.headers, "Ngsiv2-AttrsFormat"), "normalized");
  s.attrs_format = AttrsFormat::kSimplifiedKeyValues;  // Orion case 4286: the format holds
  b = Build(s, std::nullopt, Room({Attr("t", 21)}));
  EXPECT_EQ(b.body.at("id"), "x:R1") << "not wrapped in {subscriptionId, data}";
  EXPECT_EQ(b.body.at("format"), "keyValues");
  EXPECT_EQ(http::FindHeader(b.message.headers, "Ngsiv2-AttrsFormat"), "simplifiedKeyValues");
  s.attrs_format = AttrsFormat::kNormalized;

  http.payload.kind = PayloadKind::kNone;
  s.http = http;
  b = Build(s, std::nullopt, Room({Attr("t", 21)}));
  EXPECT_TRUE(b.message.body.empty());
}

// A subscription with an httpCustom receiver sending `payload` of `kind`.
Subscription CustomHttp(PayloadKind kind, std::string_view payload) {
  Subscription s;
  s.http.emplace();
  s.http->url = "http://127.0.0.1:9/notify";
  s.http->custom = true;
  s.http->payload.kind = kind;
  s.http->payload.json = json::parse(payload);
  return s;
}

TEST(NotificationBuilder, NgsiPatchingEvaluatesByEvalPriority) {
  // Orion case 4556 eval_priority_in_expressions: Z1=A+1 (1), Y2=Z1+1 (2), X3=Y2+1 (3),
  // S=X3+1 (default 100000), written in another order; id and type come last.
  Subscription s = CustomHttp(PayloadKind::kNgsi, R"({
      "id": "id:${Z1|toString}",
      "S": {"value": "${X3+1}", "type": "Calculated"},
      "Y2": {"value": "${Z1+1}", "type": "Calculated",
             "metadata": {"evalPriority": {"value": 2, "type": "Number"}}},
      "X3": {"value": "${Y2+1}", "type": "Calculated",
             "metadata": {"evalPriority": {"value": 3, "type": "Number"}}},
      "Z1": {"value": "${A+1}", "type": "Calculated",
             "metadata": {"evalPriority": {"value": 1, "type": "Number"}}}})");
  auto b = Build(s, std::nullopt, Room({Attr("A", 2.1)}));
  const auto& data = b.body.at("data").at(0);
  EXPECT_EQ(data.at("Z1").at("value"), json::value(3.1));
  EXPECT_EQ(data.at("Y2").at("value"), json::value(4.1));
  EXPECT_EQ(data.at("S").at("value"), json::value(6.1));
  EXPECT_EQ(data.at("id"), "id:3.1");
  EXPECT_EQ(data.at("Z1").at("metadata"), json::parse(R"({"evalPriority":1})"))
      << "the template's metadata is the notified attribute's";
}

TEST(NotificationBuilder, ExpressionsSeeMetadataAndPreviousValues) {
  // Orion cases 4594 metadata_in_jexl_context_builtin and 4643: previousValue of every
  // attribute that existed before, also of one the update did not write.
  Subscription s = CustomHttp(PayloadKind::kJson, R"({"dA": "${A - metadata.A.previousValue}",
                                      "dB": "${B - metadata.B.previousValue}",
                                      "md": "${metadata.A.unit}",
                                      "act": "${metadata.A.actionType}",
                                      "hot": "${A > 20 ? 'yes' : 'no'}"})");
  core::Attribute a = Attr("A", 25);
  core::Attribute unit = Attr("unit", json::value("C"));
  unit.type = "Text";
  a.metadata.push_back(unit);
  auto b = Build(s, Room({Attr("A", 21), Attr("B", 7)}), Room({a, Attr("B", 7)}));
  EXPECT_EQ(b.body, json::parse(R"({"dA":4,"dB":0,"md":"C","act":"update","hot":"yes"})"));
  b = Build(s, std::nullopt, Room({a}));
  EXPECT_EQ(b.body.at("dA"), nullptr) << "no previousValue on creation";
  EXPECT_EQ(b.body.at("act"), "append");
}

TEST(NotificationBuilder, TemplatesSeeTheContextTheConditionSaw) {
  // condition.jexlExpression and the payload of one notification share one JEXL context:
  // the same values and the same `now`, even when the notification is built later.
  Subscription s = CustomHttp(PayloadKind::kJson, R"({"at": "${0|now}", "a": "${A}"})");
  s.jexl_expression = "A > 1 && (0|now) > 0";
  s.id = "sub1";
  store::EntitySelector any;
  any.id_pattern = ".*";
  s.entities = {any};
  auto compiled = CompiledSubscription::Compile("t", s);
  ASSERT_TRUE(compiled.has_value());
  store::EntityChange change;
  change.before = Room({Attr("A", 1)});
  change.after = Room({Attr("A", 2)});
  auto trigger = Match(**compiled, change, base::Timestamp{1720606949000});
  ASSERT_TRUE(trigger.has_value());
  NotificationContext later{"304018", "corr-1", 1, 0, base::Timestamp{1720606999000}, {}};
  auto m = BuildNotification(**compiled, *trigger, change, later, FakeRender);
  ASSERT_TRUE(m.has_value()) << m.error().detail;
  EXPECT_EQ(json::parse(m->body), json::parse(R"({"at": 1720606949, "a": 2})"));
  // Without a condition the builder makes the context, with its own time.
  s.jexl_expression.clear();
  compiled = CompiledSubscription::Compile("t", s);
  ASSERT_TRUE(compiled.has_value());
  trigger = Match(**compiled, change, base::Timestamp{1720606949000});
  ASSERT_TRUE(trigger.has_value());
  m = BuildNotification(**compiled, *trigger, change, later, FakeRender);
  ASSERT_TRUE(m.has_value()) << m.error().detail;
  EXPECT_EQ(json::parse(m->body), json::parse(R"({"at": 1720606999, "a": 2})"));
}

TEST(NotificationBuilder, OutboundMessageRoundTripsThroughTheOutboxRow) {
  auto b = Build(Subscription{}, std::nullopt, Room({Attr("t", 1)}));
  store::OutboxEntry entry;
  EncodeOutbound(b.message, entry);
  auto back = DecodeOutbound(entry);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(*back, b.message);
  entry.target = "not json";
  EXPECT_FALSE(DecodeOutbound(entry).has_value());
}

}  // namespace
}  // namespace renkei::notify
