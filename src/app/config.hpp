// Config: the server's settings, parsed once (TOML file, then RENKEI_* environment
// variables, then command-line flags, later ones winning) into an immutable value that
// app/ passes to constructors. Documented in docs/configuration.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "auth/authenticator.hpp"
#include "base/result.hpp"
#include "notify/receiver_guard.hpp"
#include "opendata/quality_settings.hpp"
#include "ratelimit/rate_limiter.hpp"
#include "service/audit_trail.hpp"

namespace renkei::app {

struct Config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 1026;
  unsigned threads = 0;                // 0: one per hardware thread
  unsigned idle_timeout_seconds = 60;  // also bounds a new connection's first byte and handshake
  std::size_t max_payload_bytes = 1024 * 1024;  // Orion's default (1 MB)
  std::vector<std::string> cors_origins;        // empty: CORS off; "__ALL": any
  std::string data_dir = "./data";
  std::string log_level = "info";
  unsigned expiry_sweep_seconds = 1;  // how often expired (transient) entities are purged
  // [store] write_log: acknowledge writes from the write log, apply them in batches (ADR 0013
  // option B, docs/configuration.md); apply_batch and max_overlay bound it.
  bool store_write_log = true;
  std::size_t store_apply_batch = 50000;
  std::size_t store_max_overlay = 100000;
  std::size_t store_max_overlay_mib = 64;
  unsigned store_apply_delay_ms = 300;
  // [store] value_index: "on_demand" (the names queries filter on, built at the first such
  // query) or "all" (every attribute name; ADR 0018).
  std::string store_value_index = "on_demand";
  std::size_t store_max_value_indexes_per_tenant = 64;
  unsigned ld_context_timeout_ms = 3000;  // NGSI-LD remote @context fetch timeout
  std::string ld_context_mirror;          // directory of local @context copies; "": none
  // Notifications (docs/subscriptions.md "Limits" and "Delivery guarantees").
  std::size_t max_subscriptions_per_tenant = 1000;
  std::size_t max_outbox_per_tenant = 100000;
  unsigned notify_senders = 8;             // concurrent deliveries
  unsigned notify_pipeline_depth = 128;    // HTTP notifications written before their answers
  unsigned notify_http_timeout_ms = 5000;  // when a subscription sets no http.timeout
  unsigned notify_retry_initial_ms = 1000;
  unsigned notify_retry_max_ms = 60000;
  unsigned notify_retry_max_attempts = 50;  // 0: retry until the subscription goes
  // [quality]: update cycles of the data quality report (docs/data-quality.md).
  opendata::QualitySettings quality;
  // Receiver guard (docs/subscriptions.md "Receiver guard"): denied address ranges (CIDRs or
  // presets), exceptions to them, and whether the own listener is refused.
  std::vector<std::string> notify_deny = notify::kDefaultDeniedRanges;
  std::vector<std::string> notify_allow;
  bool notify_refuse_own_listener = true;
  // HTTPS receivers (docs/configuration.md [notify]): PEM certificates trusted instead of the
  // system's store, or no verification at all (Orion's -insecureNotif).
  std::string notify_ca_file;
  bool notify_insecure_tls = false;
  // Open data over HTTP (docs/opendata-mapping.md "HTTP endpoints").
  std::string opendata_mappings_dir = "./mappings/opendata";  // `mapping=NAME` -> NAME.toml
  std::size_t opendata_max_import_bytes = 32 * 1024 * 1024;   // POST .../import body limit
  // [tls] (docs/tls.md). No certificate: plain HTTP only.
  std::string tls_cert_file;
  std::string tls_key_file;
  std::optional<bool> tls_required;  // unset: required whenever a certificate is configured
  bool tls_exempt_loopback = false;
  // [auth] (docs/security.md): which tenants require authentication, and how.
  auth::AuthSettings auth;
  // [ratelimit] (docs/security.md "Rate limits"): off unless configured.
  ratelimit::RateLimitSettings ratelimit;
};

// Parses "host:port" (IPv4, name, or "[v6]:port").
base::Result<void> ParseListen(const std::string& text, Config& config);
// Applies a TOML file's settings onto `config`.
base::Result<void> LoadConfigFile(const std::string& path, Config& config);
// The [tls] settings must agree: a certificate needs its key and vice versa; `required`
// or `exempt_loopback` without a certificate is a mistake, not plain HTTP.
base::Result<void> CheckTlsSettings(const Config& config);
// Applies RENKEI_LISTEN, RENKEI_DATA_DIR, RENKEI_LOG_LEVEL, RENKEI_THREADS,
// RENKEI_CORS_ORIGINS (comma list), RENKEI_MAX_PAYLOAD_BYTES, RENKEI_LD_CONTEXT_TIMEOUT_MS,
// RENKEI_NOTIFY_DENY and RENKEI_NOTIFY_ALLOW (comma lists; "none" is the empty list),
// RENKEI_OPENDATA_MAPPINGS_DIR, RENKEI_OPENDATA_MAX_IMPORT_BYTES from `environ`.
base::Result<void> ApplyEnvironment(char** environ_list, Config& config);
// An address-range list as given on the command line or in the environment: ["none"] is the
// empty list (so the default can be switched off), anything else is taken as it is.
std::vector<std::string> AddressRangeList(std::vector<std::string> entries);

}  // namespace renkei::app
