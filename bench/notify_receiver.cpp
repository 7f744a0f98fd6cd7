// notify_receiver: a fast notification receiver for bench/notify_bench.py, built on the same
// http::Server as renkei. Every POST/PUT is answered 204 and counted; the body is searched
// (no JSON parse, to stay cheap) for the subscription id, the entity id and the value of the
// attribute `seq`, and the receiver counts, per (subscription, entity), the notifications whose
// seq is not above the previous one: a duplicate or an overtaking notification. The bench
// writes each entity's seq in increasing order from one connection, so in a run that keeps
// order per subscription and delivers once, `out_of_order` stays 0.
//   notify_receiver [port=18650] [threads=1]
//   GET /stats    -> {"received":N,"out_of_order":M,"streams":K,"unparsed":U}
//   DELETE /stats -> resets the counters (204)
// Stops cleanly on SIGINT/SIGTERM.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/log.hpp"
#include "bench_server.hpp"
#include "http/server.hpp"

namespace {

// The string value of the first `"key":"..."` in `body` (no escapes in the bench's ids).
std::optional<std::string_view> StringMember(std::string_view body, std::string_view key) {
  const std::string needle = "\"" + std::string(key) + "\":\"";
  const auto start = body.find(needle);
  if (start == std::string_view::npos) return std::nullopt;
  const auto from = start + needle.size();
  const auto end = body.find('"', from);
  if (end == std::string_view::npos) return std::nullopt;
  return body.substr(from, end - from);
}

// The number after the first `"value":` that follows `"seq":` (normalized format).
std::optional<std::int64_t> SeqValue(std::string_view body) {
  const auto seq = body.find("\"seq\":");
  if (seq == std::string_view::npos) return std::nullopt;
  constexpr std::string_view kValue = "\"value\":";
  const auto value = body.find(kValue, seq);
  if (value == std::string_view::npos) return std::nullopt;
  const char* first = body.data() + value + kValue.size();
  std::int64_t out = 0;
  const auto parsed = std::from_chars(first, body.data() + body.size(), out);
  if (parsed.ec != std::errc()) return std::nullopt;
  return out;
}

class Tally {
 public:
  void Record(std::string_view body) {
    const auto sub = StringMember(body, "subscriptionId");
    const auto entity = StringMember(body, "id");
    const auto seq = SeqValue(body);
    std::lock_guard lock(mu_);
    ++received_;
    if (!sub || !entity || !seq) {
      ++unparsed_;
      return;
    }
    std::string key(*sub);
    key += '|';
    key += *entity;
    auto [it, inserted] = last_seq_.try_emplace(std::move(key), *seq);
    if (!inserted) {
      if (*seq <= it->second) ++out_of_order_;
      it->second = std::max(it->second, *seq);
    }
  }
  std::string Json() const {
    std::lock_guard lock(mu_);
    return "{\"received\":" + std::to_string(received_) +
           ",\"out_of_order\":" + std::to_string(out_of_order_) +
           ",\"streams\":" + std::to_string(last_seq_.size()) +
           ",\"unparsed\":" + std::to_string(unparsed_) + "}";
  }
  void Reset() {
    std::lock_guard lock(mu_);
    received_ = out_of_order_ = unparsed_ = 0;
    last_seq_.clear();
  }

 private:
  mutable std::mutex mu_;  // guards everything below
  std::uint64_t received_ = 0;
  std::uint64_t out_of_order_ = 0;
  std::uint64_t unparsed_ = 0;
  std::unordered_map<std::string, std::int64_t> last_seq_;
};

}  // namespace

int main(int argc, char** argv) {
  renkei::http::ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 18650;
  options.threads = 1;
  if (!renkei::bench::ParsePortAndThreads(argc, argv, options)) return 2;
  const sigset_t stop_signals = renkei::bench::BlockStopSignals();

  Tally tally;
  auto logger = renkei::base::MakeLogger(renkei::base::LogLevel::kWarn);
  renkei::http::Server server(
      options,
      [&tally](renkei::http::Request&& request, renkei::http::Responder respond) {
        renkei::http::Response response;
        if (request.method == "POST" || request.method == "PUT") {
          tally.Record(request.body);
          response.status = 204;
        } else if (request.method == "GET" && request.target == "/stats") {
          response.Set("Content-Type", "application/json");
          response.body = tally.Json();
        } else if (request.method == "DELETE" && request.target == "/stats") {
          tally.Reset();
          response.status = 204;
        } else {
          response.status = 404;
        }
        respond(std::move(response));
      },
      logger);
  const auto started = server.Start();
  if (!started) {
    std::fprintf(stderr, "%s\n", started.error().detail.c_str());
    return 1;
  }
  renkei::bench::WaitForStop(stop_signals);
  server.Stop();
  return 0;
}
