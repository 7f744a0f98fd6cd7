// What the small servers of bench/ share (ceiling_server, notify_receiver): the command line
// "[port] [threads]" and stopping on SIGINT/SIGTERM.
#pragma once

#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "http/server.hpp"

namespace renkei::bench {

template <typename Number>
bool ParseArg(const char* text, Number& out) {
  const std::string_view view(text);
  const auto result = std::from_chars(view.data(), view.data() + view.size(), out);
  return result.ec == std::errc() && result.ptr == view.data() + view.size();
}

// Reads "[port] [threads]" into `options`; prints the usage and returns false when wrong.
inline bool ParsePortAndThreads(int argc, char** argv, http::ServerOptions& options) {
  if ((argc > 1 && !ParseArg(argv[1], options.port)) ||
      (argc > 2 && !ParseArg(argv[2], options.threads))) {
    std::fprintf(stderr, "usage: %s [port] [threads]\n", argv[0]);
    return false;
  }
  return true;
}

// Blocks the stop signals; call before any thread exists, so every worker inherits the mask
// and only WaitForStop receives them.
inline sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

// Returns the signal received.
inline int WaitForStop(const sigset_t& stop_signals) {
  int received = 0;
  sigwait(&stop_signals, &received);
  return received;
}

}  // namespace renkei::bench
