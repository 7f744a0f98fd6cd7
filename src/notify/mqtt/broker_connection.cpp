#include "notify/mqtt/broker_connection.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <optional>
#include <system_error>

#include <mosquitto.h>

#include "notify/mqtt/library.hpp"

namespace renkei::notify::mqtt {
namespace {

// The loop wakes at least this often to let libmosquitto send PINGREQs and notice a silent
// broker (mosquitto_loop_misc), and to check the connect deadline.
constexpr int kLoopTickMs = 250;
// A broker that accepted TCP but sends no CONNACK (or a host that drops SYNs) fails the
// connection after this long instead of after the kernel's minutes-long TCP timeout.
constexpr std::chrono::seconds kConnectTimeout{10};
// Ids of messages whose Publish timed out while the connection stayed up; past this many the
// broker is taken to be stuck and the connection is given up (the next publish opens a fresh
// one), which also bounds what libmosquitto keeps queued for it.
constexpr std::size_t kMaxAbandoned = 1024;
// MQTT 3.1.1 §2.2.3: the largest remaining length a packet can declare, less room for the
// topic and the rest of the PUBLISH header.
constexpr std::size_t kMaxPayloadBytes = 268'435'455 - 65'536;

std::string Describe(int rc, int saved_errno) {
  if (rc == MOSQ_ERR_ERRNO) return std::error_code(saved_errno, std::generic_category()).message();
  return mosquitto_strerror(rc);
}

// The pending error of a socket that poll(2) reported as failed or hung up.
std::string SocketError(int fd) {
  int error = 0;
  socklen_t size = sizeof(error);
  if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &size) == 0 && error != 0) {
    return Describe(MOSQ_ERR_ERRNO, error);
  }
  return "the broker closed the connection";
}

std::string Where(const BrokerEndpoint& endpoint) {
  return "MQTT broker " + endpoint.host + ":" + std::to_string(endpoint.port);
}

}  // namespace

base::Result<std::unique_ptr<BrokerConnection>> BrokerConnection::Open(BrokerEndpoint endpoint,
                                                                       const Settings& settings) {
  RENKEI_TRY_VOID(InitialiseLibmosquitto());
  auto fail = [&](std::string why) {
    return base::Fail(base::ErrorCode::kInternalError, "MqttPublishFailed",
                      Where(endpoint) + ": " + std::move(why));
  };
  // No client id given: libmosquitto makes a random one, so two connections (or two renkei
  // nodes) never take each other's session on the broker (MQTT 3.1.1 §3.1.4).
  mosquitto* client = mosquitto_new(nullptr, true, nullptr);
  if (client == nullptr) {
    return fail("cannot create an MQTT client: " + Describe(MOSQ_ERR_ERRNO, errno));
  }
  if (endpoint.tls) {
    // libmosquitto verifies the broker's certificate chain and that it names the host.
    const int rc = settings.ca_file.empty()
                       ? mosquitto_int_option(client, MOSQ_OPT_TLS_USE_OS_CERTS, 1)
                       : mosquitto_tls_set(client, settings.ca_file.c_str(), nullptr, nullptr,
                                           nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) {
      mosquitto_destroy(client);
      const std::string trust = settings.ca_file.empty() ? "the system's CA certificates"
                                                         : "CA file '" + settings.ca_file + "'";
      return fail("cannot set up TLS with " + trust + ": " + Describe(rc, errno));
    }
  }
  const int wake_fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd < 0) {
    const int saved = errno;
    mosquitto_destroy(client);
    return fail("cannot create an eventfd: " + Describe(MOSQ_ERR_ERRNO, saved));
  }
  // Publish runs on other threads than the loop: tell libmosquitto to lock its queues and to
  // leave all socket writes to the loop (mosquitto.h, mosquitto_threaded_set).
  mosquitto_threaded_set(client, true);
  // A notification is one small packet; Nagle's algorithm would hold it back waiting for the
  // previous PUBACK's delayed ACK.
  mosquitto_int_option(client, MOSQ_OPT_TCP_NODELAY, 1);
  if (!endpoint.user.empty()) {
    mosquitto_username_pw_set(client, endpoint.user.c_str(),
                              endpoint.passwd.empty() ? nullptr : endpoint.passwd.c_str());
  }
  return std::unique_ptr<BrokerConnection>(
      new BrokerConnection(std::move(endpoint), settings.keepalive, client, wake_fd));
}

BrokerConnection::BrokerConnection(BrokerEndpoint endpoint, std::chrono::seconds keepalive,
                                   mosquitto* client, int wake_fd)
    : endpoint_(std::move(endpoint)), keepalive_(keepalive), client_(client), wake_fd_(wake_fd) {
  mosquitto_user_data_set(client_, this);
  mosquitto_connect_callback_set(client_, [](mosquitto*, void* self, int code) {
    static_cast<BrokerConnection*>(self)->OnConnect(code);
  });
  mosquitto_disconnect_callback_set(client_, [](mosquitto*, void* self, int rc) {
    const int saved_errno = errno;  // before anything else can overwrite it
    static_cast<BrokerConnection*>(self)->OnDisconnect(rc, saved_errno);
  });
  mosquitto_publish_callback_set(client_, [](mosquitto*, void* self, int mid) {
    static_cast<BrokerConnection*>(self)->OnPublish(mid);
  });
  if (endpoint_.tls) {
    // OpenSSL's reason for a failed handshake (e.g. "certificate verify failed") reaches us only
    // through the log. Plain connections skip the callback: with one set, libmosquitto formats
    // a debug line for every packet.
    mosquitto_log_callback_set(client_, [](mosquitto*, void* self, int level, const char* text) {
      static_cast<BrokerConnection*>(self)->OnLog(level, text);
    });
  }
  try {
    loop_ = std::thread([this] { RunLoop(); });
  } catch (const std::system_error& e) {
    // Out of threads: the connection is failed from the start; Publish reports why.
    MarkFailed(std::string("cannot start the connection's thread: ") + e.what());
  }
}

BrokerConnection::~BrokerConnection() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  Wake();
  if (loop_.joinable()) loop_.join();
  mosquitto_destroy(client_);
  ::close(wake_fd_);
}

bool BrokerConnection::Usable() const {
  std::lock_guard lock(mutex_);
  return state_ != State::kFailed;
}

base::Result<void> BrokerConnection::Publish(const std::string& topic, std::string_view payload,
                                             int qos, bool retain, Clock::time_point deadline) {
  auto fail = [&](std::string why) {
    return base::Fail(base::ErrorCode::kInternalError, "MqttPublishFailed",
                      Where(endpoint_) + ": " + std::move(why));
  };
  if (payload.size() > kMaxPayloadBytes) return fail("payload too large for MQTT");
  {
    std::unique_lock lock(mutex_);
    changed_.wait_until(lock, deadline, [&] { return state_ != State::kConnecting; });
    if (state_ == State::kConnecting) return fail("timed out connecting");
    if (state_ == State::kFailed) return fail(failure_);
  }
  int mid = 0;
  const int rc = mosquitto_publish(client_, &mid, topic.c_str(), static_cast<int>(payload.size()),
                                   payload.data(), qos, retain);
  if (rc != MOSQ_ERR_SUCCESS) return fail("publish failed: " + Describe(rc, errno));
  Wake();
  std::unique_lock lock(mutex_);
  changed_.wait_until(lock, deadline,
                      [&] { return acked_.contains(mid) || state_ == State::kFailed; });
  if (acked_.erase(mid) > 0) return base::Ok();
  abandoned_.insert(mid);
  if (state_ == State::kFailed) return fail(failure_ + " before the message was acknowledged");
  if (abandoned_.size() > kMaxAbandoned) {
    FailLocked("too many messages left unacknowledged; connection given up");
  }
  static constexpr std::array<const char*, 3> kAwaited = {"writing", "PUBACK", "PUBCOMP"};
  return fail(std::string("timed out waiting for ") + kAwaited[static_cast<std::size_t>(qos)]);
}

void BrokerConnection::Wake() const {
  const std::uint64_t one = 1;
  // Cannot fail short of a closed fd: the eventfd counter does not overflow at this rate.
  [[maybe_unused]] const auto written = ::write(wake_fd_, &one, sizeof(one));
}

void BrokerConnection::MarkFailed(std::string reason) {
  std::lock_guard lock(mutex_);
  FailLocked(std::move(reason));
}

void BrokerConnection::MarkFailed(int rc, int saved_errno) {
  std::lock_guard lock(mutex_);
  FailLocked(FailureLocked(rc, saved_errno));
}

void BrokerConnection::FailLocked(std::string reason) {
  if (state_ == State::kFailed) return;  // the first reason is the real one
  state_ = State::kFailed;
  failure_ = std::move(reason);
  changed_.notify_all();
}

std::string BrokerConnection::FailureLocked(int rc, int saved_errno) const {
  if (closing_) return "connection closed";
  std::string reason = state_ == State::kConnecting ? "cannot connect: " : "connection lost: ";
  reason += Describe(rc, saved_errno);
  if (!library_error_.empty()) reason += " (" + library_error_ + ")";
  return reason;
}

void BrokerConnection::OnConnect(int connack_code) {
  std::lock_guard lock(mutex_);
  if (state_ != State::kConnecting) return;
  if (connack_code != 0) {
    FailLocked(std::string("the broker refused the connection: ") +
               mosquitto_connack_string(connack_code));
    return;
  }
  state_ = State::kConnected;
  changed_.notify_all();
}

void BrokerConnection::OnDisconnect(int rc, int saved_errno) { MarkFailed(rc, saved_errno); }

void BrokerConnection::OnPublish(int mid) {
  std::lock_guard lock(mutex_);
  if (abandoned_.erase(mid) == 0) acked_.insert(mid);
  changed_.notify_all();
}

void BrokerConnection::OnLog(int level, const char* text) {
  if (level != MOSQ_LOG_ERR) return;
  std::lock_guard lock(mutex_);
  library_error_ = text;
}

void BrokerConnection::RunLoop() {
  // Connecting here, not in Open, keeps name resolution and the TCP handshake off the
  // publishing thread; mosquitto_connect_async only starts a non-blocking connect.
  const int connect_rc = mosquitto_connect_async(client_, endpoint_.host.c_str(), endpoint_.port,
                                                 static_cast<int>(keepalive_.count()));
  if (connect_rc != MOSQ_ERR_SUCCESS) {
    MarkFailed(connect_rc, errno);
    return;
  }
  const auto connect_by = Clock::now() + kConnectTimeout;
  std::optional<Clock::time_point> close_by;
  bool tcp_connected = false;  // the non-blocking connect completed (the socket was writable)
  while (true) {
    bool closing = false;
    bool connecting = false;
    {
      std::lock_guard lock(mutex_);
      closing = closing_;
      connecting = state_ == State::kConnecting;
    }
    const auto now = Clock::now();
    if (closing && !close_by) {
      // Polite close: DISCONNECT goes out through the loop below; the socket then closes.
      mosquitto_disconnect(client_);
      close_by = now + kCloseGrace;
    }
    if (close_by && now >= *close_by) break;
    if (connecting && now >= connect_by) {
      MarkFailed("no answer to CONNECT within " + std::to_string(kConnectTimeout.count()) + " s");
      break;
    }
    const int fd = mosquitto_socket(client_);
    if (fd < 0) {
      MarkFailed("connection closed");
      break;
    }
    // Until CONNACK, ask for writability only to learn that TCP connected: during a TLS
    // handshake libmosquitto keeps CONNECT queued, so a writable socket would spin the loop.
    const bool want_out = connecting
                              ? !tcp_connected || (!endpoint_.tls && mosquitto_want_write(client_))
                              : mosquitto_want_write(client_);
    std::array<pollfd, 2> fds{};
    fds[0] = {fd, static_cast<short>(POLLIN | (want_out ? POLLOUT : 0)), 0};
    fds[1] = {wake_fd_, POLLIN, 0};
    if (::poll(fds.data(), fds.size(), kLoopTickMs) < 0 && errno != EINTR) {
      MarkFailed("poll failed: " + Describe(MOSQ_ERR_ERRNO, errno));
      break;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      std::uint64_t count = 0;
      [[maybe_unused]] const auto drained = ::read(wake_fd_, &count, sizeof(count));
    }
    // A failing step closes the socket and reports through OnDisconnect, whose reason wins;
    // MarkFailed only covers a failure that did not close the socket.
    const bool readable = (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0;
    const bool writable = (fds[0].revents & POLLOUT) != 0;
    tcp_connected = tcp_connected || writable;
    int rc = MOSQ_ERR_SUCCESS;
    // libmosquitto advances a TLS handshake only in mosquitto_loop_read (its own select loop
    // does so on writability too); on a plain socket a read with nothing to read is a no-op.
    if (readable || (connecting && writable)) rc = mosquitto_loop_read(client_, 1);
    if (rc == MOSQ_ERR_SUCCESS && connecting && (fds[0].revents & (POLLHUP | POLLERR)) != 0 &&
        mosquitto_socket(client_) >= 0) {
      // The broker hung up during the TLS handshake and libmosquitto took it for "try again"
      // (SSL_ERROR_SYSCALL): without this the loop would spin on the hung-up socket.
      MarkFailed("cannot connect: " + SocketError(fd));
      break;
    }
    if (rc == MOSQ_ERR_SUCCESS && mosquitto_want_write(client_)) {
      rc = mosquitto_loop_write(client_, 1);
    }
    if (rc == MOSQ_ERR_SUCCESS && mosquitto_socket(client_) >= 0) rc = mosquitto_loop_misc(client_);
    if (rc != MOSQ_ERR_SUCCESS) {
      MarkFailed(rc, errno);
      break;
    }
  }
}

}  // namespace renkei::notify::mqtt
