// ceiling_server: the HTTP stack alone, answering every request with a fixed JSON body, so
// wrk can measure the ceiling that no NGSI handler can exceed.
//   ceiling_server [port=1026] [threads=hardware threads]
// Stops cleanly on SIGINT/SIGTERM.
#include <pthread.h>
#include <signal.h>

#include <charconv>
#include <cstdio>
#include <string_view>

#include "base/log.hpp"
#include "http/server.hpp"

namespace {

template <typename Number>
bool ParseArg(const char* text, Number& out) {
  const std::string_view view(text);
  const auto result = std::from_chars(view.data(), view.data() + view.size(), out);
  return result.ec == std::errc() && result.ptr == view.data() + view.size();
}

}  // namespace

int main(int argc, char** argv) {
  renkei::http::ServerOptions options;
  options.address = "127.0.0.1";
  if (argc > 1 && !ParseArg(argv[1], options.port)) {
    std::fprintf(stderr, "usage: %s [port] [threads]\n", argv[0]);
    return 2;
  }
  if (argc > 2 && !ParseArg(argv[2], options.threads)) {
    std::fprintf(stderr, "usage: %s [port] [threads]\n", argv[0]);
    return 2;
  }

  // Block the stop signals before any thread exists, so every worker inherits the mask and
  // only the sigwait below receives them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  auto logger = renkei::base::MakeLogger(renkei::base::LogLevel::kInfo);
  renkei::http::Server server(
      options,
      [](renkei::http::Request&&, renkei::http::Responder respond) {
        renkei::http::Response response;
        response.Set("Content-Type", "application/json");
        response.body = R"({"ok":true})";
        respond(std::move(response));
      },
      logger);
  const auto started = server.Start();
  if (!started) {
    std::fprintf(stderr, "%s\n", started.error().detail.c_str());
    return 1;
  }

  int received = 0;
  sigwait(&stop_signals, &received);
  logger->info("ceiling_server stopping signal={}", received);
  server.Stop();
  return 0;
}
