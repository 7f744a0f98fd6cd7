// Publisher: sends notifications to MQTT brokers for the notify outbox (Orion's `mqtt`
// receivers, NGSI-LD `mqtt://` endpoints). Publish blocks until the broker acknowledged what
// the target's qos asks for, or the timeout passed, so the outbox removes a notification only
// after Publish returned ok (at-least-once: a timed-out message may still arrive, and its
// retry then arrives twice).
//
// Connections: one per (host, port, user, passwd), opened on first use and reused by every
// later publish, from any thread, concurrently; at most `max_connections` (the least recently
// used idle one is closed to make room; when all are busy Publish fails). A connection idle for
// `idle_timeout` is closed by a background thread. A connection that failed (broker restarted,
// refused, lost) is replaced by a new one on the next publish; a broker that is down answers
// with an error within the timeout. Design and threading: docs/adr/0005-mqtt-client.md.
//
// Errors: kBadRequestData for an invalid target (see target.hpp; retrying cannot help);
// kInternalError "MqttPublishFailed" for a delivery failure, with the broker and the reason
// (timed out, refused: not authorised, connection lost...) in `detail`: retry later.
// Thread-safety: Publish and Stats from any threads; destroy the Publisher only when no
// Publish is running.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.hpp"
#include "notify/mqtt/target.hpp"

namespace renkei::notify::mqtt {

class BrokerConnection;

struct PublisherOptions {
  std::size_t max_connections = 64;
  std::chrono::milliseconds idle_timeout{60'000};
  // MQTT keepalive: a broker that stops answering PINGREQ is noticed within 1.5 × this.
  std::chrono::seconds keepalive{30};
  // For mqtts:// brokers: a PEM file of the CAs to trust; empty: the system's trust store.
  std::string ca_file;
};

struct PublisherStats {
  std::size_t open_connections = 0;    // in the pool now
  std::size_t connections_opened = 0;  // since the Publisher was created
};

class Publisher {
 public:
  static base::Result<std::unique_ptr<Publisher>> Create();
  static base::Result<std::unique_ptr<Publisher>> Create(PublisherOptions options);
  ~Publisher();
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Blocks until the broker acknowledged (qos 1: PUBACK; qos 2: PUBCOMP; qos 0: written to the
  // socket) or the timeout passed; the outbox removes a notification only after ok.
  base::Result<void> Publish(const Target& target, std::string_view payload,
                             std::chrono::milliseconds timeout);

  PublisherStats Stats() const;

 private:
  using Clock = std::chrono::steady_clock;
  struct PooledConnection {
    std::shared_ptr<BrokerConnection> connection;
    int publishing = 0;  // Publish calls using it now; it is closed only at zero
    Clock::time_point last_used;
  };

  explicit Publisher(PublisherOptions options);
  base::Result<std::shared_ptr<BrokerConnection>> Acquire(const BrokerEndpoint& endpoint);
  void Release(const std::shared_ptr<BrokerConnection>& connection);
  void CloseIdle(std::stop_token stop);

  const PublisherOptions options_;
  mutable std::mutex mutex_;
  std::map<BrokerEndpoint, PooledConnection> pool_;  // guarded by mutex_
  std::size_t connections_opened_ = 0;               // guarded by mutex_
  std::condition_variable_any idle_wakeup_;          // stop of `idle_closer_`
  std::jthread idle_closer_;  // last member: stopped and joined before the pool goes
};

}  // namespace renkei::notify::mqtt
