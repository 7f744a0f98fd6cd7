// BrokerConnection: one libmosquitto client connected to one broker as one user (MQTT 3.1.1,
// clean session), and the thread of ours that drives its network loop with poll(2) (see
// docs/adr/0005-mqtt-client.md for why not mosquitto_loop_start).
//
// Life: Open starts the thread, which connects without blocking any caller; the connection is
// then Connecting, Connected, or Failed for good (refused, lost, broker gone). A failed
// connection never reconnects: the Publisher opens a new one on the next publish, so a
// restarted broker is reached again without in-place reconnect logic.
//
// Threads: Publish and Usable may be called from any number of threads at once. Publish calls
// only mosquitto_publish (thread-safe once mosquitto_threaded_set is on); every other
// libmosquitto call after Open runs on the loop thread (creation and destruction on the
// owner's), and so does every callback but the log one, which mosquitto_publish may call on
// the publishing thread. `mutex_` is a leaf: never held while in libmosquitto, so the
// callbacks, which take it, cannot deadlock with a caller. The destructor must not run while a
// Publish is in progress (the Publisher's shared ownership ensures it).
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_set>

#include "base/result.hpp"
#include "notify/mqtt/target.hpp"

struct mosquitto;

namespace renkei::notify::mqtt {

class BrokerConnection {
 public:
  using Clock = std::chrono::steady_clock;

  struct Settings {
    std::chrono::seconds keepalive{30};  // between MQTT PINGREQs on a quiet connection
    // For mqtts://: PEM file of the CAs to trust; empty: the operating system's trust store.
    std::string ca_file;
  };

  // Creates the client and starts connecting on the loop thread. Fails when libmosquitto
  // cannot create a client or set up TLS (e.g. `ca_file` unreadable).
  static base::Result<std::unique_ptr<BrokerConnection>> Open(BrokerEndpoint endpoint,
                                                              const Settings& settings);
  // Sends DISCONNECT if connected (waiting at most kCloseGrace for it to go out), joins the loop
  // thread and frees the client. Blocks longer only while the loop thread is still resolving
  // the broker's host name (getaddrinfo has no timeout).
  ~BrokerConnection();
  BrokerConnection(const BrokerConnection&) = delete;
  BrokerConnection& operator=(const BrokerConnection&) = delete;

  // Waits (until `deadline`) for the connection to be established, publishes, and waits for the
  // acknowledgement `qos` asks for: qos 0 when the PUBLISH was written to the socket, qos 1 on
  // PUBACK, qos 2 on PUBCOMP. Errors (kInternalError) say why: refused (e.g. not authorised),
  // lost, timed out. A message that timed out may still reach the broker later.
  base::Result<void> Publish(const std::string& topic, std::string_view payload, int qos,
                             bool retain, Clock::time_point deadline);

  // False once the connection has failed; a failed connection stays failed.
  bool Usable() const;

  const BrokerEndpoint& endpoint() const { return endpoint_; }

  static constexpr std::chrono::milliseconds kCloseGrace{500};

 private:
  enum class State { kConnecting, kConnected, kFailed };

  BrokerConnection(BrokerEndpoint endpoint, std::chrono::seconds keepalive, mosquitto* client,
                   int wake_fd);

  void RunLoop();
  void Wake() const;
  void MarkFailed(std::string reason);
  void MarkFailed(int rc, int saved_errno);  // why a libmosquitto step failed
  // Both require mutex_ held.
  void FailLocked(std::string reason);
  std::string FailureLocked(int rc, int saved_errno) const;

  // libmosquitto callbacks, on the loop thread.
  void OnConnect(int connack_code);
  void OnDisconnect(int rc, int saved_errno);
  void OnPublish(int mid);
  void OnLog(int level, const char* text);

  const BrokerEndpoint endpoint_;
  const std::chrono::seconds keepalive_;
  mosquitto* const client_;  // owned; freed by the destructor after the loop thread ends
  const int wake_fd_;        // eventfd: Publish and the destructor wake the loop's poll

  mutable std::mutex mutex_;
  std::condition_variable changed_;   // state_ or acked_ changed
  State state_ = State::kConnecting;  // guarded by mutex_
  std::string failure_;               // guarded by mutex_: why state_ is kFailed
  bool closing_ = false;              // guarded by mutex_: the destructor asked the loop to end
  std::string library_error_;         // guarded by mutex_: libmosquitto's last error log line
  // Message ids the broker acknowledged and whose Publish has not collected them yet, and ids
  // whose Publish gave up waiting (so a late acknowledgement is dropped, not kept forever).
  std::unordered_set<int> acked_;      // guarded by mutex_
  std::unordered_set<int> abandoned_;  // guarded by mutex_

  std::thread loop_;  // started last, joined first
};

}  // namespace renkei::notify::mqtt
