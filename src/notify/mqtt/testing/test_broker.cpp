#include "notify/mqtt/testing/test_broker.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace renkei::notify::mqtt::testing {
namespace {

sockaddr_in Loopback(int port) {
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return address;
}

// True when `port` on 127.0.0.1 can be bound now, i.e. nobody holds it.
bool Bindable(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const auto address = Loopback(port);
  const bool ok = ::bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

// Starts a program with its output appended to `log`. Returns its pid, or -1.
pid_t Spawn(const std::vector<std::string>& args, const std::string& log) {
  std::vector<char*> argv;
  for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  return rc == 0 ? pid : -1;
}

// Runs a program to its end. Returns its exit status (-1: not run or killed).
int RunToEnd(const std::vector<std::string>& args, const std::string& log) {
  const pid_t pid = Spawn(args, log);
  if (pid < 0) return -1;
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace

int FindFreeTestPort(int after) {
  constexpr int kCount = kLastTestPort - kFirstTestPort + 1;
  // Start at a random place, so tests run in parallel by ctest rarely probe the same ports.
  const int offset =
      after != 0 ? after - kFirstTestPort + 1 : static_cast<int>(std::random_device()() % kCount);
  for (int i = 0; i < kCount; ++i) {
    const int port = kFirstTestPort + (offset + i) % kCount;
    if (port != after && Bindable(port)) return port;
  }
  ADD_FAILURE() << "no free port in " << kFirstTestPort << "-" << kLastTestPort;
  return 0;
}

ReservedPort::ReservedPort(Mode mode) {
  for (int attempt = 0, candidate = 0; attempt < 20; ++attempt) {
    candidate = FindFreeTestPort(candidate);
    if (candidate == 0) return;
    // No SO_REUSEADDR: while this socket is bound, nobody else can bind the port.
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const auto address = Loopback(candidate);
    if (fd_ >= 0 &&
        ::bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) == 0 &&
        (mode == Mode::kRefusing || ::listen(fd_, 16) == 0)) {
      port_ = candidate;
      return;
    }
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  ADD_FAILURE() << "cannot reserve a port in " << kFirstTestPort << "-" << kLastTestPort;
}

ReservedPort::~ReservedPort() {
  if (fd_ >= 0) ::close(fd_);
}

TestBroker::TestBroker(TestBrokerOptions options) : options_(std::move(options)) {
  const auto base = std::filesystem::temp_directory_path() / "renkei-mqtt-XXXXXX";
  std::string pattern = base.string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "cannot make a temporary folder";
    return;
  }
  dir_ = pattern;
  // Started as root, mosquitto drops to its own user before reading its password file.
  ::chmod(dir_.c_str(), 0755);
  const auto& users = options_.users;
  for (std::size_t i = 0; i < users.size(); ++i) {
    std::vector<std::string> args = {RENKEI_MOSQUITTO_PASSWD, "-b"};
    if (i == 0) args.push_back("-c");
    args.insert(args.end(), {dir_ + "/passwd", users[i].name, users[i].password});
    EXPECT_EQ(RunToEnd(args, dir_ + "/setup.log"), 0) << "mosquitto_passwd failed";
  }
  if (options_.tls) {
    EXPECT_TRUE(MakeCertificates()) << "openssl failed";
  }
  // Readable by the broker's own user whatever the umask (test keys and passwords only).
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    ::chmod(entry.path().c_str(), 0644);
  }
}

bool TestBroker::MakeCertificates() {
  // P-256 keys: generated in milliseconds, unlike RSA.
  const std::string log = dir_ + "/setup.log";
  const auto run = [&](std::vector<std::string> args) {
    args.insert(args.begin(), RENKEI_OPENSSL);
    return RunToEnd(args, log) == 0;
  };
  std::ofstream(dir_ + "/san.ext") << "subjectAltName=" << options_.certificate_name << "\n";
  const bool made =
      run({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
           "-keyout", dir_ + "/ca.key", "-out", dir_ + "/ca.crt", "-days", "2", "-subj",
           "/CN=renkei test CA"}) &&
      run({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
           dir_ + "/server.key", "-out", dir_ + "/server.csr", "-subj", "/CN=127.0.0.1"}) &&
      run({"x509", "-req", "-in", dir_ + "/server.csr", "-CA", dir_ + "/ca.crt", "-CAkey",
           dir_ + "/ca.key", "-CAcreateserial", "-out", dir_ + "/server.crt", "-days", "2",
           "-extfile", dir_ + "/san.ext"});
  return made;
}

TestBroker::~TestBroker() {
  Stop();
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

bool TestBroker::Start() {
  if (dir_.empty()) return false;
  if (port_ != 0) return StartOn(port_, tls_port_);
  // Another test process may take a free port between the probe and the broker's bind; the
  // broker then exits and other ports are tried.
  for (int attempt = 0, candidate = 0; attempt < 10; ++attempt) {
    candidate = FindFreeTestPort(candidate);
    const int tls_candidate = options_.tls ? FindFreeTestPort(candidate) : 0;
    if (candidate == 0 || (options_.tls && tls_candidate == 0)) return false;
    if (StartOn(candidate, tls_candidate)) {
      port_ = candidate;
      tls_port_ = tls_candidate;
      return true;
    }
    if (options_.tls) candidate = tls_candidate;
  }
  ADD_FAILURE() << "mosquitto did not start:\n" << Log();
  return false;
}

bool TestBroker::StartOn(int port, int tls_port) {
  {
    std::ofstream config(dir_ + "/mosquitto.conf");
    config << "persistence false\n"
           << "allow_anonymous " << (options_.users.empty() ? "true" : "false") << "\n";
    if (!options_.users.empty()) config << "password_file " << dir_ << "/passwd\n";
    config << "listener " << port << " 127.0.0.1\n";
    if (tls_port != 0) {
      config << "listener " << tls_port << " 127.0.0.1\n"
             << "certfile " << dir_ << "/server.crt\n"
             << "keyfile " << dir_ << "/server.key\n";
    }
  }
  // mosquitto logs "… running" once all its listeners are bound. Waiting for that line, not
  // for the port to accept, avoids mistaking another test's listener on the port for ours.
  const std::size_t running_before = RunningLines();
  pid_ = Spawn({RENKEI_MOSQUITTO_BROKER, "-c", dir_ + "/mosquitto.conf"}, dir_ + "/mosquitto.log");
  if (pid_ < 0) return false;
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (std::chrono::steady_clock::now() < give_up) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {  // exited: a port was taken
      pid_ = -1;
      return false;
    }
    if (RunningLines() > running_before) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  Stop();
  return false;
}

void TestBroker::Stop() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGTERM);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
}

std::size_t TestBroker::RunningLines() const {
  const std::string log = Log();
  std::size_t count = 0;
  for (auto at = log.find(" running\n"); at != std::string::npos;
       at = log.find(" running\n", at + 1)) {
    ++count;
  }
  return count;
}

std::string TestBroker::Log() const {
  std::ifstream in(dir_ + "/mosquitto.log");
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace renkei::notify::mqtt::testing
