// renkei: the command-line entry point. Subcommands: `serve` (the platform), `import opendata`
// (open-data CSVs into a data directory) and `version`.
#include <iostream>

#include <CLI/CLI.hpp>

#include "app/config.hpp"
#include "app/import_opendata.hpp"
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
  std::string tls_cert, tls_key;
  serve->add_option("--tls-cert", tls_cert,
                    "PEM certificate (then its chain) for HTTPS; reloaded on SIGHUP");
  serve->add_option("--tls-key", tls_key, "PEM private key of --tls-cert; reloaded on SIGHUP");
  auto* version = cli.add_subcommand("version", "Print the version");
  auto* import = cli.add_subcommand("import", "Import data into a data directory");
  import->require_subcommand(1);
  renkei::app::ImportCommand import_command;
  std::string import_tenant, import_dataset, import_mapping;
  auto* opendata = import->add_subcommand(
      "opendata", "Import open-data CSVs (自治体標準オープンデータセット or a --mapping layout)");
  opendata->add_option("files", import_command.files, "CSV files")->required();
  opendata->add_option("--tenant", import_tenant,
                       "target tenant (6-digit 全国地方公共団体コード); rows of other "
                       "municipalities are skipped. Default: each row's municipality");
  opendata->add_option("--dataset", import_dataset,
                       "built-in dataset (see docs/opendata-mapping.md; an unknown name lists "
                       "them); default: recognised from the header");
  opendata->add_option("--mapping", import_mapping, "TOML mapping file for non-standard layouts");
  std::string import_data_dir;
  opendata->add_option("--data-dir", import_data_dir,
                       "data directory (default: RENKEI_DATA_DIR, else ./data)");
  opendata->add_option("--service-path", import_command.service_path, "ServicePath (default /)");
  opendata
      ->add_option("--batch-size", import_command.batch_size,
                   "entities per store commit (default 500)")
      ->check(CLI::Range(1, 10000));
  opendata->add_flag("--dry-run", import_command.dry_run, "read and check only; write nothing");

  CLI11_PARSE(cli, argc, argv);

  if (version->parsed()) {
    std::cout << "renkei 0.1.0\n";
    return 0;
  }
  if (opendata->parsed()) {
    if (!import_tenant.empty()) import_command.tenant = import_tenant;
    if (!import_dataset.empty()) import_command.dataset = import_dataset;
    if (!import_mapping.empty()) import_command.mapping = import_mapping;
    // The same data directory `renkei serve` would use: the flag, else RENKEI_DATA_DIR.
    if (auto r = renkei::app::ApplyEnvironment(environ, config); !r) {
      std::cerr << "renkei: " << r.error().detail << "\n";
      return 2;
    }
    import_command.data_dir = import_data_dir.empty() ? config.data_dir : import_data_dir;
    return renkei::app::RunImportOpendata(import_command, std::cout, std::cerr);
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
  if (!tls_cert.empty()) config.tls_cert_file = tls_cert;
  if (!tls_key.empty()) config.tls_key_file = tls_key;
  if (auto r = renkei::app::CheckTlsSettings(config); !r) return fail(r.error());

  bool known = false;
  const auto level = renkei::base::ParseLogLevel(config.log_level, known);
  if (!known) {
    std::cerr << "renkei: unknown log level '" << config.log_level << "'\n";
    return 2;
  }
  return renkei::app::RunServe(config, renkei::base::MakeLogger(level));
}
