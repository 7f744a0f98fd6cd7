// ceiling_server: the HTTP stack alone, answering every request with a fixed JSON body, so
// wrk can measure the ceiling that no NGSI handler can exceed.
//   ceiling_server [port=1026] [threads=hardware threads]
// Stops cleanly on SIGINT/SIGTERM.
#include "base/log.hpp"
#include "bench_server.hpp"
#include "http/server.hpp"

int main(int argc, char** argv) {
  renkei::http::ServerOptions options;
  options.address = "127.0.0.1";
  if (!renkei::bench::ParsePortAndThreads(argc, argv, options)) return 2;
  const sigset_t stop_signals = renkei::bench::BlockStopSignals();

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

  const int received = renkei::bench::WaitForStop(stop_signals);
  logger->info("ceiling_server stopping signal={}", received);
  server.Stop();
  return 0;
}
