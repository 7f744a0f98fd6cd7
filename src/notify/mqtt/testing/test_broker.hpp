// TestBroker: a real mosquitto broker process for the MQTT tests, listening on 127.0.0.1 on a
// free port of the range the project's tests may use (18200-18299), with its configuration,
// password file and log in a temporary folder of its own. Stop then Start simulates a broker
// restart on the same port. The destructor stops the process and removes the folder.
// Failures to start are reported as GoogleTest failures with the broker's log.
#pragma once

#include <sys/types.h>
#include <string>
#include <vector>

namespace renkei::notify::mqtt::testing {

inline constexpr int kFirstTestPort = 18200;
inline constexpr int kLastTestPort = 18299;

// A port in the test range that nothing listens on now (another process may still take it).
// `after`: start looking past this port (0 = anywhere), so two calls give two ports.
int FindFreeTestPort(int after = 0);

struct BrokerUser {
  std::string name;
  std::string password;
};

class TestBroker {
 public:
  // No users: anonymous clients are accepted. Users: only they, with their passwords
  // (a password file made with mosquitto_passwd).
  explicit TestBroker(std::vector<BrokerUser> users = {});
  ~TestBroker();
  TestBroker(const TestBroker&) = delete;
  TestBroker& operator=(const TestBroker&) = delete;

  // Starts the broker (on the port of the first start, when started before) and waits until it
  // accepts connections. False when it did not come up.
  bool Start();
  // Stops the broker (SIGTERM) and waits for the process to end.
  void Stop();

  int port() const { return port_; }
  std::string url() const { return "mqtt://127.0.0.1:" + std::to_string(port_); }
  std::string Log() const;

 private:
  bool StartOn(int port);

  std::string dir_;
  std::vector<BrokerUser> users_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace renkei::notify::mqtt::testing
