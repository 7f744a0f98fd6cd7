// TestSubscriber: an independent MQTT client that subscribes (qos 2, so messages arrive with
// the qos they were published with) to a topic filter on 127.0.0.1 and collects what arrives,
// so the tests check what the Publisher delivered from the receiving side. Uses libmosquitto
// with its own network thread (mosquitto_loop_start): deliberately not the Publisher's design.
// Thread-safety: the methods are called from the test's thread; messages arrive on the
// client's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>
#include <vector>

struct mosquitto;

namespace renkei::notify::mqtt::testing {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retain = false;
};

class TestSubscriber {
 public:
  // Connects and subscribes; waits for the broker's SUBACK (a GoogleTest failure when it does
  // not come), so anything published afterwards is received.
  TestSubscriber(int port, std::string topic_filter, std::string user = "",
                 std::string password = "");
  ~TestSubscriber();
  TestSubscriber(const TestSubscriber&) = delete;
  TestSubscriber& operator=(const TestSubscriber&) = delete;

  // Waits until `count` messages arrived or `timeout` passed; returns all that arrived.
  std::vector<ReceivedMessage> WaitFor(std::size_t count, std::chrono::milliseconds timeout);

 private:
  mosquitto* client_ = nullptr;
  const std::string topic_filter_;
  std::mutex mutex_;
  std::condition_variable changed_;
  bool subscribed_ = false;                // guarded by mutex_
  std::vector<ReceivedMessage> messages_;  // guarded by mutex_
};

}  // namespace renkei::notify::mqtt::testing
