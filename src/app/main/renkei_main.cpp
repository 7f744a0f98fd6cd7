// renkei: the command-line entry point. Subcommands: `serve` (the platform) and `version`.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/config.hpp"
#include "app/serve.hpp"
#include "base/log.hpp"

extern char** environ;

int main(int argc, char** argv) {
  using renkei::app::Config;
  CLI::App cli{"renkei: a shared FIWARE data linkage platform (NGSIv2, NGSI-LD)"};
  cli.require_subcommand(1);

  Config config;
  std::string config_file, listen, data_dir, log_level;
  std::vector<std::string> cors_origins;
  std::size_t max_payload = 0;
  unsigned threads = 0;
  auto* serve = cli.add_subcommand("serve", "Run the platform's HTTP server");
  serve->add_option("--config", config_file, "TOML configuration file");
  serve->add_option("--listen", listen, "host:port to listen on (default 127.0.0.1:1026)");
  serve->add_option("--data-dir", data_dir, "directory of the embedded store (default ./data)");
  serve->add_option("--log-level", log_level, "trace, debug, info, warn, error, off");
  serve->add_option("--cors-origin", cors_origins,
                    "allowed CORS origin (repeatable); __ALL allows any origin");
  serve->add_option("--max-payload", max_payload, "largest request body in bytes (1 MiB)");
  serve->add_option("--threads", threads, "HTTP worker threads (0: one per core)");
  auto* version = cli.add_subcommand("version", "Print the version");

  CLI11_PARSE(cli, argc, argv);

  if (version->parsed()) {
    std::cout << "renkei 0.1.0\n";
    return 0;
  }
  auto fail = [](const renkei::base::Error& e) {
    std::cerr << "renkei: " << e.detail << "\n";
    return 2;
  };
  if (!config_file.empty()) {
    if (auto r = renkei::app::LoadConfigFile(config_file, config); !r) return fail(r.error());
  }
  if (auto r = renkei::app::ApplyEnvironment(environ, config); !r) return fail(r.error());
  if (!listen.empty()) {
    if (auto r = renkei::app::ParseListen(listen, config); !r) return fail(r.error());
  }
  if (!data_dir.empty()) config.data_dir = data_dir;
  if (!log_level.empty()) config.log_level = log_level;
  if (!cors_origins.empty()) config.cors_origins = cors_origins;
  if (max_payload != 0) config.max_payload_bytes = max_payload;
  if (threads != 0) config.threads = threads;

  bool known = false;
  const auto level = renkei::base::ParseLogLevel(config.log_level, known);
  if (!known) {
    std::cerr << "renkei: unknown log level '" << config.log_level << "'\n";
    return 2;
  }
  return renkei::app::RunServe(config, renkei::base::MakeLogger(level));
}
