// renkei: the command-line entry point. Subcommands: `serve` (the platform), `import opendata`
// (open-data CSVs into a data directory), `export opendata` (a dataset back out as CSV or
// GeoJSON), `quality` (data quality report), `apikey` (API keys) and `version`.
#include <iostream>

#include <unistd.h>

#include <CLI/CLI.hpp>

#include "app/apikey_command.hpp"
#include "app/config.hpp"
#include "app/export_opendata.hpp"
#include "app/import_opendata.hpp"
#include "app/quality_command.hpp"
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
  std::vector<std::string> notify_deny, notify_allow;
  serve->add_option("--notify-deny", notify_deny,
                    "notification receiver address range to refuse: CIDR or loopback, private, "
                    "link-local, unspecified, multicast (repeatable; replaces the default; "
                    "'none' refuses none)");
  serve->add_option("--notify-allow", notify_allow,
                    "exception to --notify-deny: CIDR or preset (repeatable)");
  std::string ld_context_mirror;
  serve->add_option("--ld-context-mirror", ld_context_mirror,
                    "directory of local copies of remote JSON-LD @contexts, as <host>/<path>");
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
                   "entities per chunk and store write unit (default 2000)")
      ->check(CLI::Range(1, 10000));
  opendata->add_flag("--dry-run", import_command.dry_run, "read and check only; write nothing");

  renkei::app::QualityCommand quality_command;
  std::string quality_dataset, quality_check, quality_config, quality_data_dir;
  auto* quality = cli.add_subcommand(
      "quality", "Data quality report of a tenant (completeness, freshness, accuracy)");
  quality->add_option("--tenant", quality_command.tenant, "tenant (6-digit 全国地方公共団体コード)")
      ->required();
  quality->add_option("--data-dir", quality_data_dir,
                      "data directory (default: RENKEI_DATA_DIR, else ./data)");
  quality->add_option("--dataset", quality_dataset,
                      "one dataset (name such as evacuation_space, or its entity type)");
  quality->add_option("--check", quality_check, "list only the failures of this check");
  quality->add_option("--limit", quality_command.limit, "failing records listed per dataset (20)");
  quality->add_option("--offset", quality_command.offset, "first failing record listed (0)");
  quality->add_option("--service-path", quality_command.service_path, "ServicePath scope (/#)");
  quality->add_option("--config", quality_config, "TOML configuration file ([quality] section)");
  quality->add_flag("--json", quality_command.json, "the JSON of GET /admin/v1/quality");
  std::string quality_file, quality_mapping;
  quality->add_option("--file", quality_file,
                      "assess this CSV (as the import reads it) instead of the data directory");
  quality->add_option("--mapping", quality_mapping, "with --file: TOML mapping file");
  auto* exporter = cli.add_subcommand("export", "Export data from a data directory");
  exporter->require_subcommand(1);
  renkei::app::ExportCommand export_command;
  std::string export_data_dir, export_output;
  auto* export_opendata = exporter->add_subcommand(
      "opendata", "Write a tenant's entities of a dataset as its standard CSV or as GeoJSON");
  export_opendata->add_option("--tenant", export_command.tenant, "tenant to export")->required();
  export_opendata
      ->add_option("--dataset", export_command.dataset,
                   "built-in dataset (see docs/opendata-mapping.md)")
      ->required();
  export_opendata->add_option("--format", export_command.format, "csv (default) or geojson");
  export_opendata->add_option("--generation", export_command.generation,
                              "header generation: new (default, 自治体標準) or old (推奨)");
  export_opendata->add_flag("--bom", export_command.bom,
                            "start the CSV with a UTF-8 BOM (for Excel)");
  export_opendata->add_option("--output,-o", export_output, "output file (default: stdout)");
  export_opendata->add_option("--data-dir", export_data_dir,
                              "data directory (default: RENKEI_DATA_DIR, else ./data)");

  // `renkei apikey create|list|revoke` (docs/security.md "API keys").
  auto* apikey = cli.add_subcommand("apikey", "Manage a tenant's API keys in a data directory");
  apikey->require_subcommand(1);
  renkei::app::ApiKeyCommand apikey_command;
  std::string apikey_data_dir;
  auto* apikey_create = apikey->add_subcommand("create", "Issue a key (printed once)");
  auto* apikey_list = apikey->add_subcommand("list", "List the tenant's keys (no secrets)");
  auto* apikey_revoke = apikey->add_subcommand("revoke", "Revoke a key by its id");
  for (auto* sub : {apikey_create, apikey_list, apikey_revoke}) {
    sub->add_option("--tenant", apikey_command.tenant, "tenant (\"\" is the default one)")
        ->required();
    sub->add_option("--data-dir", apikey_data_dir,
                    "data directory (default: RENKEI_DATA_DIR, else ./data)");
  }
  apikey_create->add_option("--role", apikey_command.roles, "role (repeatable)")->required();
  apikey_create->add_option("--app", apikey_command.app, "app or device name");
  apikey_revoke->add_option("id", apikey_command.key_id, "key id (rk_...)")->required();

  CLI11_PARSE(cli, argc, argv);

  if (apikey->parsed()) {
    if (auto r = renkei::app::ApplyEnvironment(environ, config); !r) {
      std::cerr << "renkei: " << r.error().detail << "\n";
      return 2;
    }
    apikey_command.data_dir = apikey_data_dir.empty() ? config.data_dir : apikey_data_dir;
    apikey_command.action = apikey_create->parsed() ? "create"
                            : apikey_list->parsed() ? "list"
                                                    : "revoke";
    return renkei::app::RunApiKeyCommand(apikey_command, std::cout, std::cerr);
  }

  if (quality->parsed()) {
    if (!quality_dataset.empty()) quality_command.dataset = quality_dataset;
    if (!quality_check.empty()) quality_command.check = quality_check;
    if (!quality_file.empty()) quality_command.file = quality_file;
    if (!quality_mapping.empty()) quality_command.mapping = quality_mapping;
    if (!quality_config.empty()) {
      if (auto r = renkei::app::LoadConfigFile(quality_config, config); !r) {
        std::cerr << "renkei: " << r.error().detail << "\n";
        return 2;
      }
    }
    if (auto r = renkei::app::ApplyEnvironment(environ, config); !r) {
      std::cerr << "renkei: " << r.error().detail << "\n";
      return 2;
    }
    quality_command.data_dir = quality_data_dir.empty() ? config.data_dir : quality_data_dir;
    quality_command.settings = config.quality;
    return renkei::app::RunQuality(quality_command, std::cout, std::cerr);
  }

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
    import_command.progress_on_terminal = isatty(STDERR_FILENO) == 1;
    return renkei::app::RunImportOpendata(import_command, std::cout, std::cerr);
  }
  if (export_opendata->parsed()) {
    if (auto r = renkei::app::ApplyEnvironment(environ, config); !r) {
      std::cerr << "renkei: " << r.error().detail << "\n";
      return 2;
    }
    export_command.data_dir = export_data_dir.empty() ? config.data_dir : export_data_dir;
    if (!export_output.empty()) export_command.output = export_output;
    return renkei::app::RunExportOpendata(export_command, std::cout, std::cerr);
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
  if (!notify_deny.empty()) config.notify_deny = renkei::app::AddressRangeList(notify_deny);
  if (!notify_allow.empty()) config.notify_allow = renkei::app::AddressRangeList(notify_allow);
  if (!ld_context_mirror.empty()) config.ld_context_mirror = ld_context_mirror;
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
