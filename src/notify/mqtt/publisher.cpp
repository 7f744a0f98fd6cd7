#include "notify/mqtt/publisher.hpp"

#include <algorithm>
#include <system_error>
#include <vector>

#include "notify/mqtt/broker_connection.hpp"
#include "notify/mqtt/library.hpp"

namespace renkei::notify::mqtt {

base::Result<std::unique_ptr<Publisher>> Publisher::Create() { return Create(PublisherOptions{}); }

base::Result<std::unique_ptr<Publisher>> Publisher::Create(PublisherOptions options) {
  RENKEI_TRY_VOID(InitialiseLibmosquitto());
  auto invalid = [](std::string detail) {
    return base::Fail(base::ErrorCode::kBadRequestData, "BadRequest", std::move(detail));
  };
  if (options.max_connections == 0) return invalid("MQTT max_connections must be at least 1");
  if (options.idle_timeout <= std::chrono::milliseconds::zero()) {
    return invalid("MQTT idle_timeout must be positive");
  }
  // libmosquitto refuses a keepalive under 5 s; MQTT 3.1.1 §3.1.2.10 caps it at 65535 s.
  if (options.keepalive < std::chrono::seconds(5) || options.keepalive.count() > 65535) {
    return invalid("MQTT keepalive must be 5 to 65535 seconds");
  }
  try {
    return std::unique_ptr<Publisher>(new Publisher(options));
  } catch (const std::system_error& e) {  // the idle closer's thread could not start
    return base::Fail(base::ErrorCode::kInternalError, "MqttUnavailable",
                      std::string("cannot start the MQTT idle-connection closer: ") + e.what());
  }
}

Publisher::Publisher(PublisherOptions options)
    : options_(options), idle_closer_([this](std::stop_token stop) { CloseIdle(stop); }) {}

Publisher::~Publisher() = default;

base::Result<void> Publisher::Publish(const Target& target, std::string_view payload,
                                      std::chrono::milliseconds timeout) {
  RENKEI_TRY(const BrokerEndpoint endpoint, CheckTarget(target));
  const auto deadline = Clock::now() + timeout;
  RENKEI_TRY(const std::shared_ptr<BrokerConnection> connection, Acquire(endpoint));
  auto result = connection->Publish(target.topic, payload, target.qos, target.retain, deadline);
  Release(connection);
  // When the pool dropped a failed connection meanwhile, `connection` is its last owner and
  // closes it here, outside the pool's lock.
  return result;
}

PublisherStats Publisher::Stats() const {
  std::lock_guard lock(mutex_);
  return PublisherStats{pool_.size(), connections_opened_};
}

base::Result<std::shared_ptr<BrokerConnection>> Publisher::Acquire(const BrokerEndpoint& endpoint) {
  // Connections leaving the pool; declared before the lock, so they close after it is released.
  std::shared_ptr<BrokerConnection> failed;
  std::shared_ptr<BrokerConnection> evicted;
  std::lock_guard lock(mutex_);
  auto it = pool_.find(endpoint);
  if (it != pool_.end() && !it->second.connection->Usable()) {
    // A failed connection never recovers (broker restarted, connection lost): open a new one.
    // Publish calls still on the old one hold their own reference.
    failed = std::move(it->second.connection);
    pool_.erase(it);
    it = pool_.end();
  }
  if (it == pool_.end()) {
    if (pool_.size() >= options_.max_connections) {
      auto victim = pool_.end();
      for (auto candidate = pool_.begin(); candidate != pool_.end(); ++candidate) {
        if (candidate->second.publishing > 0) continue;
        if (victim == pool_.end() || candidate->second.last_used < victim->second.last_used) {
          victim = candidate;
        }
      }
      if (victim == pool_.end()) {
        return base::Fail(base::ErrorCode::kInternalError, "MqttPublishFailed",
                          "all " + std::to_string(options_.max_connections) +
                              " MQTT broker connections are busy");
      }
      evicted = std::move(victim->second.connection);
      pool_.erase(victim);
    }
    RENKEI_TRY(std::shared_ptr<BrokerConnection> opened,
               BrokerConnection::Open(endpoint, {options_.keepalive, options_.ca_file}));
    it = pool_.emplace(endpoint, PooledConnection{std::move(opened), 0, Clock::now()}).first;
    ++connections_opened_;
  }
  ++it->second.publishing;
  return it->second.connection;
}

void Publisher::Release(const std::shared_ptr<BrokerConnection>& connection) {
  std::lock_guard lock(mutex_);
  auto it = pool_.find(connection->endpoint());
  if (it == pool_.end() || it->second.connection != connection) return;  // replaced meanwhile
  --it->second.publishing;
  it->second.last_used = Clock::now();
}

void Publisher::CloseIdle(std::stop_token stop) {
  // Often enough that a connection closes within a quarter of idle_timeout after it expired.
  const auto period = std::clamp<std::chrono::milliseconds>(
      options_.idle_timeout / 4, std::chrono::milliseconds(10), std::chrono::milliseconds(1000));
  while (!stop.stop_requested()) {
    std::vector<std::shared_ptr<BrokerConnection>> closing;  // closed outside the lock
    {
      std::unique_lock lock(mutex_);
      idle_wakeup_.wait_for(lock, stop, period, [] { return false; });
      if (stop.stop_requested()) break;
      const auto now = Clock::now();
      for (auto it = pool_.begin(); it != pool_.end();) {
        const auto& pooled = it->second;
        const bool idle = now - pooled.last_used >= options_.idle_timeout;
        if (pooled.publishing == 0 && (idle || !pooled.connection->Usable())) {
          closing.push_back(std::move(it->second.connection));
          it = pool_.erase(it);
        } else {
          ++it;
        }
      }
    }
  }
}

}  // namespace renkei::notify::mqtt
