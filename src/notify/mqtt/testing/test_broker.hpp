// TestBroker: a real mosquitto broker process for the MQTT tests, listening on 127.0.0.1 on a
// free port of the range the project's tests may use (18200-18299), and with `tls` on a second
// port over TLS (a certificate for 127.0.0.1 from a CA made by `openssl` for this broker), with
// its configuration, password file, keys and log in a temporary folder of its own. Stop then Start
// simulates a broker restart on the same port. The destructor stops the process and removes the
// folder. Failures to start are reported as GoogleTest failures with the broker's log.
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

// ReservedPort: a port of the test range held by this process while it lives, so no other test
// process can take it: kRefusing (bound, not listening: connections are refused, as with a
// broker that is down) or kSilent (listening, never accepting: TCP connects, nothing answers).
class ReservedPort {
 public:
  enum class Mode { kRefusing, kSilent };
  explicit ReservedPort(Mode mode);
  ~ReservedPort();
  ReservedPort(const ReservedPort&) = delete;
  ReservedPort& operator=(const ReservedPort&) = delete;
  int port() const { return port_; }  // 0 when none could be had (a test failure is reported)

 private:
  int fd_ = -1;
  int port_ = 0;
};

struct BrokerUser {
  std::string name;
  std::string password;
};

struct TestBrokerOptions {
  // None: anonymous clients are accepted. Some: only they, with their passwords (a password
  // file made with mosquitto_passwd).
  std::vector<BrokerUser> users;
  bool tls = false;
  // The subjectAltName of the broker's TLS certificate; another name tests host verification.
  std::string certificate_name = "IP:127.0.0.1";
};

class TestBroker {
 public:
  explicit TestBroker(TestBrokerOptions options = {});
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
  std::string tls_url() const { return "mqtts://127.0.0.1:" + std::to_string(tls_port_); }
  // The PEM certificate of the CA that signed the broker's TLS certificate.
  std::string ca_file() const { return dir_ + "/ca.crt"; }
  std::string Log() const;

 private:
  bool StartOn(int port, int tls_port);
  std::size_t RunningLines() const;
  bool MakeCertificates();

  std::string dir_;
  const TestBrokerOptions options_;
  int port_ = 0;
  int tls_port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace renkei::notify::mqtt::testing
