// Publisher against a real mosquitto broker started by each test on 127.0.0.1, checked from
// the receiving side by an independent subscriber.
#include "notify/mqtt/publisher.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "notify/mqtt/testing/test_broker.hpp"
#include "notify/mqtt/testing/test_subscriber.hpp"

namespace renkei::notify::mqtt {
namespace {

using std::chrono::milliseconds;
using testing::BrokerUser;
using testing::ReceivedMessage;
using testing::ReservedPort;
using testing::TestBroker;
using testing::TestSubscriber;

// Generous: a passing test never waits them out, and an overloaded machine (TLS set-up under
// ASan, many tests at once) must not turn slowness into failure. Failures that must come at
// once are checked against kTimeout / 2.
constexpr milliseconds kTimeout{10000};
constexpr milliseconds kWait{10000};
const testing::TestBrokerOptions kWithUser{{BrokerUser{"renkei", "s3cret"}}, false};
const testing::TestBrokerOptions kWithTls{{}, true, "IP:127.0.0.1"};

std::unique_ptr<Publisher> MakePublisher(PublisherOptions options = {}) {
  auto publisher = Publisher::Create(options);
  EXPECT_TRUE(publisher) << publisher.error().detail;
  return std::move(publisher).value();
}

std::string Describe(const base::Result<void>& result) {
  return result ? "ok" : result.error().detail;
}

TEST(MqttPublisher, DeliversPayloadTopicAndQosAtEachLevel) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "304018/#");
  auto publisher = MakePublisher();
  for (int qos : {0, 1, 2}) {
    const Target target{broker.url(), "304018/shelter/" + std::to_string(qos), qos, false, "", ""};
    const std::string payload = R"({"data":[{"id":"Shelter1","occupancy":)" + std::to_string(qos) +
                                "}],\"subscriptionId\":\"s1\"}";
    auto result = publisher->Publish(target, payload, kTimeout);
    ASSERT_TRUE(result) << Describe(result);
  }
  const auto received = subscriber.WaitFor(3, kWait);
  ASSERT_EQ(received.size(), 3u);
  for (int qos : {0, 1, 2}) {
    const auto& message = received[static_cast<std::size_t>(qos)];
    EXPECT_EQ(message.topic, "304018/shelter/" + std::to_string(qos));
    EXPECT_EQ(message.qos, qos);
    EXPECT_FALSE(message.retain);
    EXPECT_NE(message.payload.find("\"occupancy\":" + std::to_string(qos)), std::string::npos)
        << message.payload;
  }
  // All three went through one connection.
  EXPECT_EQ(publisher->Stats().connections_opened, 1u);
}

TEST(MqttPublisher, ARetainedMessageReachesALateSubscriber) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  auto publisher = MakePublisher();
  auto result =
      publisher->Publish(Target{broker.url(), "susami/status", 1, true, "", ""}, "open", kTimeout);
  ASSERT_TRUE(result) << Describe(result);
  auto ignored = publisher->Publish(Target{broker.url(), "susami/other", 1, false, "", ""},
                                    "not kept", kTimeout);
  ASSERT_TRUE(ignored) << Describe(ignored);
  // Subscribed only now: the broker hands over what was retained, flagged as retained.
  TestSubscriber late(broker.port(), "susami/#");
  const auto received = late.WaitFor(1, kWait);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].topic, "susami/status");
  EXPECT_EQ(received[0].payload, "open");
  EXPECT_TRUE(received[0].retain);
}

TEST(MqttPublisher, AuthenticatesWithUserAndPassword) {
  TestBroker broker(kWithUser);
  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "auth/#", "renkei", "s3cret");
  auto publisher = MakePublisher();
  auto result = publisher->Publish(Target{broker.url(), "auth/ok", 1, false, "renkei", "s3cret"},
                                   "hello", kTimeout);
  ASSERT_TRUE(result) << Describe(result);
  const auto received = subscriber.WaitFor(1, kWait);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].payload, "hello");
}

TEST(MqttPublisher, AWrongPasswordIsRefusedAtOnce) {
  TestBroker broker(kWithUser);
  ASSERT_TRUE(broker.Start());
  auto publisher = MakePublisher();
  for (const auto& [user, passwd] :
       {std::pair<std::string, std::string>{"renkei", "wrong"}, {"nobody", "s3cret"}, {"", ""}}) {
    const auto start = std::chrono::steady_clock::now();
    auto result =
        publisher->Publish(Target{broker.url(), "auth/no", 1, false, user, passwd}, "x", kTimeout);
    ASSERT_FALSE(result) << user;
    EXPECT_EQ(result.error().code, base::ErrorCode::kInternalError);
    EXPECT_NE(result.error().detail.find("not authorised"), std::string::npos)
        << result.error().detail;
    // The broker's CONNACK says no: no need to wait for the timeout.
    EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeout / 2) << user;
  }
}

TEST(MqttPublisher, ABrokerThatIsDownFailsWithinTheTimeout) {
  ReservedPort down(ReservedPort::Mode::kRefusing);
  ASSERT_NE(down.port(), 0);
  auto publisher = MakePublisher();
  const auto start = std::chrono::steady_clock::now();
  auto result = publisher->Publish(
      Target{"mqtt://127.0.0.1:" + std::to_string(down.port()), "down", 1, false, "", ""}, "x",
      milliseconds(1000));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("cannot connect"), std::string::npos)
      << result.error().detail;
  EXPECT_LT(elapsed, milliseconds(1500));
}

TEST(MqttPublisher, ABrokerThatNeverAnswersFailsAtTheTimeout) {
  ReservedPort silent(ReservedPort::Mode::kSilent);  // TCP connects, no CONNACK ever comes
  ASSERT_NE(silent.port(), 0);
  auto publisher = MakePublisher();
  const auto start = std::chrono::steady_clock::now();
  auto result = publisher->Publish(
      Target{"mqtt://127.0.0.1:" + std::to_string(silent.port()), "hung", 0, false, "", ""}, "x",
      milliseconds(300));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("timed out"), std::string::npos) << result.error().detail;
  EXPECT_GE(elapsed, milliseconds(300));
  EXPECT_LT(elapsed, milliseconds(800));
}

TEST(MqttPublisher, PublishesAgainAfterTheBrokerRestarts) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  auto publisher = MakePublisher();
  const Target target{broker.url(), "restart/x", 1, false, "", ""};
  auto before = publisher->Publish(target, "before", kTimeout);
  ASSERT_TRUE(before) << Describe(before);

  broker.Stop();
  auto during = publisher->Publish(target, "during", milliseconds(500));
  EXPECT_FALSE(during);

  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "restart/#");
  auto after = publisher->Publish(target, "after", kTimeout);
  ASSERT_TRUE(after) << Describe(after);
  const auto received = subscriber.WaitFor(1, kWait);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].payload, "after");
}

TEST(MqttPublisher, ReusesConnectionsAndClosesIdleOnes) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  PublisherOptions options;
  options.idle_timeout = milliseconds(200);
  auto publisher = MakePublisher(options);
  const Target target{broker.url(), "idle/x", 1, false, "", ""};
  for (int i = 0; i < 5; ++i) {
    auto result = publisher->Publish(target, "m" + std::to_string(i), kTimeout);
    ASSERT_TRUE(result) << Describe(result);
  }
  EXPECT_EQ(publisher->Stats().connections_opened, 1u);
  EXPECT_EQ(publisher->Stats().open_connections, 1u);

  // The idle closer runs every 50 ms here; give it ample time on a loaded machine.
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (publisher->Stats().open_connections != 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(publisher->Stats().open_connections, 0u);
  auto again = publisher->Publish(target, "again", kTimeout);
  ASSERT_TRUE(again) << Describe(again);
  EXPECT_EQ(publisher->Stats().connections_opened, 2u);
}

TEST(MqttPublisher, KeepsAtMostMaxConnections) {
  TestBroker broker;  // anonymous: any user name is accepted, and each is its own connection
  ASSERT_TRUE(broker.Start());
  PublisherOptions options;
  options.max_connections = 2;
  auto publisher = MakePublisher(options);
  for (const char* user : {"a", "b", "c", "a"}) {
    auto result =
        publisher->Publish(Target{broker.url(), "cap/x", 1, false, user, ""}, user, kTimeout);
    ASSERT_TRUE(result) << user << ": " << Describe(result);
    EXPECT_LE(publisher->Stats().open_connections, 2u);
  }
  // "c" evicted "a" (least recently used), so "a" needed a new connection.
  EXPECT_EQ(publisher->Stats().connections_opened, 4u);
}

TEST(MqttPublisher, FailsWhenEveryConnectionIsBusy) {
  ReservedPort silent(ReservedPort::Mode::kSilent);  // TCP connects, no CONNACK ever comes
  ASSERT_NE(silent.port(), 0);
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  PublisherOptions options;
  options.max_connections = 1;
  auto publisher = MakePublisher(options);
  // The one connection stays busy: its publish waits for a CONNACK that never comes.
  std::thread hung([&] {
    auto ignored = publisher->Publish(
        Target{"mqtt://127.0.0.1:" + std::to_string(silent.port()), "t", 1, false, "", ""}, "x",
        milliseconds(600));
  });
  const auto give_up = std::chrono::steady_clock::now() + kWait;
  while (publisher->Stats().open_connections == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  auto result = publisher->Publish(Target{broker.url(), "busy/x", 1, false, "", ""}, "x", kTimeout);
  hung.join();
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("busy"), std::string::npos) << result.error().detail;
  // Once the hung publish gave up, its idle connection makes room.
  auto after = publisher->Publish(Target{broker.url(), "busy/x", 1, false, "", ""}, "x", kTimeout);
  EXPECT_TRUE(after) << Describe(after);
}

TEST(MqttPublisher, PublishesFromSeveralThreadsOverOneConnection) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "threads/#");
  auto publisher = MakePublisher();
  constexpr int kThreads = 4;
  constexpr int kEach = 50;
  std::vector<std::thread> threads;
  std::atomic<int> failures = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // One qos per thread: MQTT keeps order per topic within one qos level (§4.6).
      const int qos = t % 3;
      for (int i = 0; i < kEach; ++i) {
        const Target target{broker.url(), "threads/" + std::to_string(t), qos, false, "", ""};
        if (!publisher->Publish(target, std::to_string(i), kTimeout)) ++failures;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  const auto received = subscriber.WaitFor(kThreads * kEach, kWait);
  EXPECT_EQ(received.size(), static_cast<std::size_t>(kThreads * kEach));
  // Each thread's messages arrive in the order it published them.
  for (int t = 0; t < kThreads; ++t) {
    int next = 0;
    for (const auto& message : received) {
      if (message.topic != "threads/" + std::to_string(t)) continue;
      EXPECT_EQ(message.payload, std::to_string(next)) << message.topic;
      ++next;
    }
    EXPECT_EQ(next, kEach);
  }
  EXPECT_EQ(publisher->Stats().connections_opened, 1u);
}

TEST(MqttPublisher, DeliversOverTls) {
  TestBroker broker(kWithTls);
  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "tls/#");  // on the broker's plain listener
  PublisherOptions options;
  options.ca_file = broker.ca_file();
  auto publisher = MakePublisher(options);
  for (int qos : {0, 1, 2}) {
    auto result = publisher->Publish(Target{broker.tls_url(), "tls/x", qos, false, "", ""},
                                     "secret " + std::to_string(qos), kTimeout);
    ASSERT_TRUE(result) << Describe(result);
  }
  const auto received = subscriber.WaitFor(3, kWait);
  ASSERT_EQ(received.size(), 3u);
  EXPECT_EQ(received[2].payload, "secret 2");
  EXPECT_EQ(publisher->Stats().connections_opened, 1u);
}

TEST(MqttPublisher, RefusesABrokerCertificateItDoesNotTrust) {
  TestBroker broker(kWithTls);
  ASSERT_TRUE(broker.Start());
  auto publisher = MakePublisher();  // the system's trust store does not know the test CA
  const auto start = std::chrono::steady_clock::now();
  auto result =
      publisher->Publish(Target{broker.tls_url(), "tls/x", 1, false, "", ""}, "x", kTimeout);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("certificate verify failed"), std::string::npos)
      << result.error().detail;
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeout / 2);
}

TEST(MqttPublisher, RefusesABrokerCertificateForAnotherHost) {
  TestBroker broker({{}, true, "DNS:broker.example.jp"});
  ASSERT_TRUE(broker.Start());
  PublisherOptions options;
  options.ca_file = broker.ca_file();  // trusted CA, but the certificate names another host
  auto publisher = MakePublisher(options);
  auto result =
      publisher->Publish(Target{broker.tls_url(), "tls/x", 1, false, "", ""}, "x", kTimeout);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("TLS"), std::string::npos) << result.error().detail;
}

TEST(MqttPublisher, RefusesAPlainBrokerForMqtts) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  auto publisher = MakePublisher();
  const std::string url = "mqtts://127.0.0.1:" + std::to_string(broker.port());
  const auto start = std::chrono::steady_clock::now();
  auto result = publisher->Publish(Target{url, "tls/x", 1, false, "", ""}, "x", kTimeout);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().detail.find("cannot connect"), std::string::npos)
      << result.error().detail;
  // The broker hangs up on the TLS ClientHello: that ends the attempt, no waiting it out.
  EXPECT_LT(std::chrono::steady_clock::now() - start, kTimeout / 2);
}

// A busy server holds many sockets; select(2)-based MQTT loops (mosquitto_loop) fail on a
// descriptor above FD_SETSIZE (1024). docs/adr/0005-mqtt-client.md.
TEST(MqttPublisher, PublishesOnADescriptorAbove1024) {
  TestBroker broker;
  ASSERT_TRUE(broker.Start());
  TestSubscriber subscriber(broker.port(), "many/#");  // its select loop needs a low descriptor
  rlimit limit{};
  ASSERT_EQ(::getrlimit(RLIMIT_NOFILE, &limit), 0);
  constexpr rlim_t kWanted = 1200;
  if (limit.rlim_cur < kWanted) {
    ASSERT_GE(limit.rlim_max, kWanted) << "the hard limit on open files is too low for this test";
    limit.rlim_cur = kWanted;
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &limit), 0);
  }
  std::vector<int> fillers;  // take descriptors up to past 1024
  while (fillers.empty() || fillers.back() < 1100) {
    const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    ASSERT_GE(fd, 0);
    fillers.push_back(fd);
  }
  auto publisher = MakePublisher();
  auto result =
      publisher->Publish(Target{broker.url(), "many/x", 1, false, "", ""}, "high", kTimeout);
  for (const int fd : fillers) ::close(fd);
  ASSERT_TRUE(result) << Describe(result);
  const auto received = subscriber.WaitFor(1, kWait);
  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received[0].payload, "high");
}

TEST(MqttPublisher, RefusesAnInvalidTargetWithoutConnecting) {
  auto publisher = MakePublisher();
  auto result =
      publisher->Publish(Target{"mqtt://127.0.0.1:18299", "a/#", 1, false, "", ""}, "x", kTimeout);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, base::ErrorCode::kBadRequestData);
  EXPECT_EQ(publisher->Stats().connections_opened, 0u);
}

}  // namespace
}  // namespace renkei::notify::mqtt
