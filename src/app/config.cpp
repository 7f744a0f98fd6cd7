#include "app/config.hpp"

#include <charconv>
#include <cstring>
#include <functional>
#include <map>

#include <toml++/toml.h>

#include "app/auth_config.hpp"
#include "app/ratelimit_config.hpp"
#include "opendata/standard_datasets.hpp"

namespace renkei::app {
namespace {

base::Unexpected ConfigError(std::string detail) {
  return base::Fail(base::ErrorCode::kInvalidRequest, "ConfigError", std::move(detail));
}

template <typename T>
base::Result<T> ParseNumber(std::string_view text, const char* what) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size()) {
    return ConfigError(std::string("invalid number for ") + what + ": " + std::string(text));
  }
  return value;
}

std::vector<std::string> SplitComma(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    auto pos = text.find(',', start);
    auto item =
        text.substr(start, pos == std::string_view::npos ? text.size() - start : pos - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    if (pos == std::string_view::npos) break;
    start = pos + 1;
  }
  return out;
}

// `[...update_cycle_days]`: dataset name = days, for the built-in datasets only.
base::Result<std::map<std::string, int>> ParseUpdateCycles(const toml::table& table,
                                                           const std::string& where) {
  std::map<std::string, int> cycles;
  for (const auto& [key, node] : table) {
    const std::string name(key.str());
    if (!opendata::FindStandardDataset(name)) {
      return ConfigError(where + "." + name + ": not a dataset name (docs/opendata-mapping.md)");
    }
    auto days = node.value<int64_t>();
    if (!days || *days < 1 || *days > opendata::kMaxUpdateCycleDays) {
      return ConfigError(where + "." + name + " must be a number of days from 1 to " +
                         std::to_string(opendata::kMaxUpdateCycleDays));
    }
    cycles[name] = static_cast<int>(*days);
  }
  return cycles;
}

// [quality] (docs/data-quality.md "Configuration"):
//   [quality.update_cycle_days]                   event = 30
//   [quality.tenants."304018".update_cycle_days]  event = 7
base::Result<void> ParseQuality(const toml::table& quality, opendata::QualitySettings& settings) {
  for (const auto& [key, node] : quality) {
    const std::string name(key.str());
    if (name == "update_cycle_days" && node.is_table()) {
      RENKEI_TRY(settings.update_cycle_days,
                 ParseUpdateCycles(*node.as_table(), "quality.update_cycle_days"));
    } else if (name == "tenants" && node.is_table()) {
      for (const auto& [tenant, tenant_node] : *node.as_table()) {
        const std::string where = "quality.tenants." + std::string(tenant.str());
        const auto* tenant_table = tenant_node.as_table();
        if (tenant_table == nullptr) return ConfigError(where + " must be a table");
        for (const auto& [tenant_key, cycles] : *tenant_table) {
          if (tenant_key.str() != "update_cycle_days" || !cycles.is_table()) {
            return ConfigError(where + ": unknown key '" + std::string(tenant_key.str()) + "'");
          }
          RENKEI_TRY(settings.tenant_update_cycle_days[std::string(tenant.str())],
                     ParseUpdateCycles(*cycles.as_table(), where + ".update_cycle_days"));
        }
      }
    } else {
      return ConfigError("quality: unknown key '" + name +
                         "' (update_cycle_days and tenants are tables)");
    }
  }
  return base::Ok();
}

}  // namespace

base::Result<void> ParseListen(const std::string& text, Config& config) {
  const auto colon = text.rfind(':');
  if (colon == std::string::npos || colon == 0) {
    return ConfigError("listen address must be host:port, got '" + text + "'");
  }
  std::string host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  RENKEI_TRY(auto port, ParseNumber<std::uint16_t>(text.substr(colon + 1), "port"));
  config.listen_address = host;
  config.listen_port = port;
  return base::Ok();
}

base::Result<void> LoadConfigFile(const std::string& path, Config& config) {
  toml::table table;
  try {
    table = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    return ConfigError("cannot read config file " + path + ": " + std::string(e.description()));
  }
  if (auto v = table["server"]["listen"].value<std::string>()) {
    RENKEI_TRY_VOID(ParseListen(*v, config));
  }
  if (auto v = table["server"]["threads"].value<int64_t>()) {
    if (*v < 0 || *v > 1024) return ConfigError("server.threads must be 0..1024");
    config.threads = static_cast<unsigned>(*v);
  }
  if (auto v = table["server"]["max_payload_bytes"].value<int64_t>()) {
    if (*v < 1) return ConfigError("server.max_payload_bytes must be positive");
    config.max_payload_bytes = static_cast<std::size_t>(*v);
  }
  if (auto* arr = table["server"]["cors_origins"].as_array()) {
    config.cors_origins.clear();
    for (const auto& item : *arr) {
      if (auto s = item.value<std::string>()) config.cors_origins.push_back(*s);
    }
  }
  if (auto v = table["server"]["idle_timeout_seconds"].value<int64_t>()) {
    if (*v < 1 || *v > 86400) return ConfigError("server.idle_timeout_seconds must be 1..86400");
    config.idle_timeout_seconds = static_cast<unsigned>(*v);
  }
  if (auto v = table["tls"]["cert_file"].value<std::string>()) config.tls_cert_file = *v;
  if (auto v = table["tls"]["key_file"].value<std::string>()) config.tls_key_file = *v;
  if (auto v = table["tls"]["required"].value<bool>()) config.tls_required = *v;
  if (auto v = table["tls"]["exempt_loopback"].value<bool>()) config.tls_exempt_loopback = *v;
  if (auto v = table["store"]["data_dir"].value<std::string>()) config.data_dir = *v;
  if (auto v = table["store"]["expiry_sweep_seconds"].value<int64_t>()) {
    if (*v < 1) return ConfigError("store.expiry_sweep_seconds must be positive");
    config.expiry_sweep_seconds = static_cast<unsigned>(*v);
  }
  if (auto v = table["store"]["write_log"].value<bool>()) config.store_write_log = *v;
  if (auto v = table["store"]["apply_batch"].value<int64_t>()) {
    if (*v < 1 || *v > 1000000) return ConfigError("store.apply_batch must be 1..1000000");
    config.store_apply_batch = static_cast<std::size_t>(*v);
  }
  if (auto v = table["store"]["max_overlay"].value<int64_t>()) {
    if (*v < 1 || *v > 10000000) return ConfigError("store.max_overlay must be 1..10000000");
    config.store_max_overlay = static_cast<std::size_t>(*v);
  }
  if (auto v = table["store"]["max_overlay_mib"].value<int64_t>()) {
    if (*v < 1 || *v > 4096) return ConfigError("store.max_overlay_mib must be 1..4096");
    config.store_max_overlay_mib = static_cast<std::size_t>(*v);
  }
  if (auto v = table["store"]["value_index"].value<std::string>()) {
    if (*v != "on_demand" && *v != "all") {
      return ConfigError("store.value_index must be \"on_demand\" or \"all\"");
    }
    config.store_value_index = *v;
  }
  if (auto v = table["store"]["max_value_indexes_per_tenant"].value<int64_t>()) {
    if (*v < 0 || *v > 10000) {
      return ConfigError("store.max_value_indexes_per_tenant must be 0..10000");
    }
    config.store_max_value_indexes_per_tenant = static_cast<std::size_t>(*v);
  }
  if (auto v = table["store"]["apply_delay_ms"].value<int64_t>()) {
    if (*v < 0 || *v > 60000) return ConfigError("store.apply_delay_ms must be 0..60000");
    config.store_apply_delay_ms = static_cast<unsigned>(*v);
  }
  if (auto v = table["log"]["level"].value<std::string>()) config.log_level = *v;
  if (auto v = table["ngsild"]["context_timeout_ms"].value<int64_t>()) {
    if (*v < 1 || *v > 60000) return ConfigError("ngsild.context_timeout_ms must be 1..60000");
    config.ld_context_timeout_ms = static_cast<unsigned>(*v);
  }
  if (auto v = table["ngsild"]["context_mirror"].value<std::string>()) {
    config.ld_context_mirror = *v;
  }
  if (auto v = table["opendata"]["mappings_dir"].value<std::string>()) {
    config.opendata_mappings_dir = *v;
  }
  if (auto v = table["opendata"]["max_import_bytes"].value<int64_t>()) {
    if (*v < 1) return ConfigError("opendata.max_import_bytes must be positive");
    config.opendata_max_import_bytes = static_cast<std::size_t>(*v);
  }
  // [notify]: every value is a count or milliseconds, at least `min`.
  struct NotifyKey {
    const char* name;
    std::int64_t min;
    std::function<void(std::int64_t)> set;
  };
  const NotifyKey notify_keys[] = {
      {"max_subscriptions_per_tenant", 1,
       [&](std::int64_t v) { config.max_subscriptions_per_tenant = static_cast<std::size_t>(v); }},
      {"max_outbox_per_tenant", 1,
       [&](std::int64_t v) { config.max_outbox_per_tenant = static_cast<std::size_t>(v); }},
      {"senders", 1, [&](std::int64_t v) { config.notify_senders = static_cast<unsigned>(v); }},
      {"pipeline_depth", 1,
       [&](std::int64_t v) { config.notify_pipeline_depth = static_cast<unsigned>(v); }},
      {"http_timeout_ms", 1,
       [&](std::int64_t v) { config.notify_http_timeout_ms = static_cast<unsigned>(v); }},
      {"retry_initial_ms", 1,
       [&](std::int64_t v) { config.notify_retry_initial_ms = static_cast<unsigned>(v); }},
      {"retry_max_ms", 1,
       [&](std::int64_t v) { config.notify_retry_max_ms = static_cast<unsigned>(v); }},
      {"retry_max_attempts", 0,
       [&](std::int64_t v) { config.notify_retry_max_attempts = static_cast<unsigned>(v); }},
  };
  if (const auto* quality = table["quality"].as_table()) {
    RENKEI_TRY_VOID(ParseQuality(*quality, config.quality));
  }
  if (const auto* auth = table["auth"].as_table()) {
    RENKEI_TRY_VOID(ParseAuthSection(*auth, config.auth));
  }
  if (const auto* ratelimit = table["ratelimit"].as_table()) {
    RENKEI_TRY_VOID(ParseRateLimitSection(*ratelimit, config.ratelimit));
  }
  for (const auto& key : notify_keys) {
    auto v = table["notify"][key.name].value<int64_t>();
    if (!v) continue;
    if (*v < key.min || *v > 100'000'000) {
      return ConfigError(std::string("notify.") + key.name + " is out of range");
    }
    key.set(*v);
  }
  // The receiver guard's lists: arrays of CIDRs or preset names ([] denies nothing).
  for (auto [name, list] :
       {std::pair{"deny", &config.notify_deny}, std::pair{"allow", &config.notify_allow}}) {
    const auto* node = table["notify"][name].node();
    if (node == nullptr) continue;
    const auto* arr = node->as_array();
    if (arr == nullptr) return ConfigError(std::string("notify.") + name + " must be an array");
    list->clear();
    for (const auto& item : *arr) {
      auto text = item.value<std::string>();
      if (!text) return ConfigError(std::string("notify.") + name + " holds strings only");
      list->push_back(*text);
    }
  }
  if (auto v = table["notify"]["refuse_own_listener"].value<bool>()) {
    config.notify_refuse_own_listener = *v;
  }
  if (auto v = table["notify"]["ca_file"].value<std::string>()) config.notify_ca_file = *v;
  if (auto v = table["notify"]["insecure_tls"].value<bool>()) config.notify_insecure_tls = *v;
  return base::Ok();
}

std::vector<std::string> AddressRangeList(std::vector<std::string> entries) {
  if (entries.size() == 1 && entries.front() == "none") return {};
  return entries;
}

base::Result<void> CheckTlsSettings(const Config& config) {
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return ConfigError("tls.cert_file and tls.key_file (--tls-cert, --tls-key) go together");
  }
  if (config.tls_cert_file.empty() &&
      (config.tls_required.value_or(false) || config.tls_exempt_loopback)) {
    return ConfigError("tls.required and tls.exempt_loopback need tls.cert_file and tls.key_file");
  }
  return base::Ok();
}

base::Result<void> ApplyEnvironment(char** environ_list, Config& config) {
  if (environ_list == nullptr) return base::Ok();
  for (char** e = environ_list; *e != nullptr; ++e) {
    std::string_view entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos || !entry.starts_with("RENKEI_")) continue;
    const auto name = entry.substr(0, eq);
    const std::string value(entry.substr(eq + 1));
    if (name == "RENKEI_LISTEN") {
      RENKEI_TRY_VOID(ParseListen(value, config));
    } else if (name == "RENKEI_DATA_DIR") {
      config.data_dir = value;
    } else if (name == "RENKEI_LOG_LEVEL") {
      config.log_level = value;
    } else if (name == "RENKEI_WRITE_LOG") {
      if (value != "true" && value != "false") {
        return ConfigError("RENKEI_WRITE_LOG must be true or false");
      }
      config.store_write_log = value == "true";
    } else if (name == "RENKEI_VALUE_INDEX") {
      if (value != "on_demand" && value != "all") {
        return ConfigError("RENKEI_VALUE_INDEX must be on_demand or all");
      }
      config.store_value_index = value;
    } else if (name == "RENKEI_APPLY_DELAY_MS") {
      RENKEI_TRY(config.store_apply_delay_ms,
                 ParseNumber<unsigned>(value, "RENKEI_APPLY_DELAY_MS"));
    } else if (name == "RENKEI_THREADS") {
      RENKEI_TRY(config.threads, ParseNumber<unsigned>(value, "RENKEI_THREADS"));
    } else if (name == "RENKEI_MAX_PAYLOAD_BYTES") {
      RENKEI_TRY(config.max_payload_bytes,
                 ParseNumber<std::size_t>(value, "RENKEI_MAX_PAYLOAD_BYTES"));
    } else if (name == "RENKEI_LD_CONTEXT_TIMEOUT_MS") {
      RENKEI_TRY(config.ld_context_timeout_ms,
                 ParseNumber<unsigned>(value, "RENKEI_LD_CONTEXT_TIMEOUT_MS"));
    } else if (name == "RENKEI_LD_CONTEXT_MIRROR") {
      config.ld_context_mirror = value;
    } else if (name == "RENKEI_OPENDATA_MAPPINGS_DIR") {
      config.opendata_mappings_dir = value;
    } else if (name == "RENKEI_OPENDATA_MAX_IMPORT_BYTES") {
      RENKEI_TRY(config.opendata_max_import_bytes,
                 ParseNumber<std::size_t>(value, "RENKEI_OPENDATA_MAX_IMPORT_BYTES"));
    } else if (name == "RENKEI_CORS_ORIGINS") {
      config.cors_origins = SplitComma(value);
    } else if (name == "RENKEI_NOTIFY_DENY") {
      config.notify_deny = AddressRangeList(SplitComma(value));
    } else if (name == "RENKEI_NOTIFY_ALLOW") {
      config.notify_allow = AddressRangeList(SplitComma(value));
    }
  }
  return base::Ok();
}

}  // namespace renkei::app
