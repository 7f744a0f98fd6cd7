#include "notify/mqtt/testing/test_subscriber.hpp"

#include <mosquitto.h>

#include <gtest/gtest.h>

#include "notify/mqtt/library.hpp"

namespace renkei::notify::mqtt::testing {

TestSubscriber::TestSubscriber(int port, std::string topic_filter, std::string user,
                               std::string password)
    : topic_filter_(std::move(topic_filter)) {
  if (!InitialiseLibmosquitto()) {
    ADD_FAILURE() << "libmosquitto did not initialise";
    return;
  }
  client_ = mosquitto_new(nullptr, true, this);
  if (client_ == nullptr) {
    ADD_FAILURE() << "mosquitto_new failed";
    return;
  }
  if (!user.empty()) mosquitto_username_pw_set(client_, user.c_str(), password.c_str());
  mosquitto_connect_callback_set(client_, [](mosquitto* client, void* self, int code) {
    auto* subscriber = static_cast<TestSubscriber*>(self);
    if (code == 0) mosquitto_subscribe(client, nullptr, subscriber->topic_filter_.c_str(), 2);
  });
  mosquitto_subscribe_callback_set(client_, [](mosquitto*, void* self, int, int, const int*) {
    auto* subscriber = static_cast<TestSubscriber*>(self);
    std::lock_guard lock(subscriber->mutex_);
    subscriber->subscribed_ = true;
    subscriber->changed_.notify_all();
  });
  mosquitto_message_callback_set(
      client_, [](mosquitto*, void* self, const mosquitto_message* message) {
        auto* subscriber = static_cast<TestSubscriber*>(self);
        std::lock_guard lock(subscriber->mutex_);
        subscriber->messages_.push_back(
            ReceivedMessage{message->topic,
                            std::string(static_cast<const char*>(message->payload),
                                        static_cast<std::size_t>(message->payloadlen)),
                            message->qos, message->retain});
        subscriber->changed_.notify_all();
      });
  if (mosquitto_connect(client_, "127.0.0.1", port, 10) != MOSQ_ERR_SUCCESS ||
      mosquitto_loop_start(client_) != MOSQ_ERR_SUCCESS) {
    ADD_FAILURE() << "the test subscriber cannot connect to port " << port;
    return;
  }
  std::unique_lock lock(mutex_);
  if (!changed_.wait_for(lock, std::chrono::seconds(5), [this] { return subscribed_; })) {
    ADD_FAILURE() << "no SUBACK for " << topic_filter_;
  }
}

TestSubscriber::~TestSubscriber() {
  if (client_ == nullptr) return;
  mosquitto_disconnect(client_);
  mosquitto_loop_stop(client_, false);
  mosquitto_destroy(client_);
}

std::vector<ReceivedMessage> TestSubscriber::WaitFor(std::size_t count,
                                                     std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
  return messages_;
}

}  // namespace renkei::notify::mqtt::testing
