#include "app/serve.hpp"

#include <condition_variable>
#include <csignal>
#include <mutex>
#include <thread>

#include "api/access/access_api.hpp"
#include "api/audit/audit_api.hpp"
#include "api/common/plain_http.hpp"
#include "api/common/problem_details.hpp"
#include "api/consent/consent_api.hpp"
#include "api/ngsild/ngsild_api.hpp"
#include "api/ngsiv2/ngsiv2_api.hpp"
#include "api/ngsiv2/subscription_payload.hpp"
#include "api/opendata/opendata_api.hpp"
#include "api/quality/quality_api.hpp"
#include "app/jwks_fetch.hpp"
#include "app/metrics_endpoint.hpp"
#include "http/client.hpp"
#include "http/server.hpp"
#include "metrics/counters.hpp"
#include "notify/delivery_worker.hpp"
#include "notify/matching_worker.hpp"
#include "notify/periodic_notifier.hpp"
#include "notify/receiver_guard.hpp"
#include "notify/sender.hpp"
#include "notify/subscription_registry.hpp"
#include "opendata/quality_service.hpp"
#include "service/api_key_service.hpp"
#include "service/audit_trail.hpp"
#include "service/consent_service.hpp"
#include "service/entity_service.hpp"
#include "service/notification_access.hpp"
#include "service/personal_data_guard.hpp"
#include "service/policy_service.hpp"
#include "service/subscription_service.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace renkei::app {
namespace {

// Periodically deletes expired transient entities (Orion API manual "Deletion of expired
// entities"); reads already hide them, so this only reclaims space.
class ExpirySweeper {
 public:
  ExpirySweeper(store::EntityStore& store, const base::Clock& clock, std::chrono::seconds every,
                std::shared_ptr<spdlog::logger> logger)
      : thread_([this, &store, &clock, every, logger = std::move(logger)] {
          std::unique_lock<std::mutex> lock(mutex_);
          while (!stop_) {
            cv_.wait_for(lock, every, [this] { return stop_; });
            if (stop_) break;
            lock.unlock();
            auto purged = store.PurgeExpired(clock.Now());
            if (!purged) {
              logger->warn("msg=\"expiry sweep failed\" detail=\"{}\"", purged.error().detail);
            } else if (*purged > 0) {
              logger->debug("msg=\"expired entities purged\" count={}", *purged);
            }
            lock.lock();
          }
        }) {}
  ~ExpirySweeper() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  ExpirySweeper(const ExpirySweeper&) = delete;
  ExpirySweeper& operator=(const ExpirySweeper&) = delete;

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool stop_ = false;  // guarded by mutex_
  std::thread thread_;
};

// The authenticator owns its verifiers; the key service is shared with the admin API.
class ApiKeyVerifier final : public auth::CredentialVerifier {
 public:
  explicit ApiKeyVerifier(const service::ApiKeyService& keys) : keys_(keys) {}
  std::optional<base::Result<auth::SharedPrincipal>> Verify(const auth::Credentials& credentials,
                                                            const std::string& tenant,
                                                            base::Timestamp now) const override {
    return keys_.Verify(credentials, tenant, now);
  }

 private:
  const service::ApiKeyService& keys_;
};

// The store's own gauges for /metrics.
std::vector<metrics::MetricFamily> StoreGauges(const store::sqlite::SqliteStore& store) {
  auto gauges = WriteLogGauges(store.WriteLogBacklog());
  for (auto& g : ValueIndexGauges(store.ValueIndexesBuilding())) gauges.push_back(std::move(g));
  return gauges;
}

}  // namespace

int RunServe(const Config& config, const std::shared_ptr<spdlog::logger>& logger) {
  // Block the shutdown signals in every thread we start; this thread waits for them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);  // reloads the TLS certificate (docs/tls.md)
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  store::sqlite::SqliteOptions store_options;
  store_options.data_dir = config.data_dir;
  store_options.write_log = config.store_write_log;
  store_options.apply_batch = config.store_apply_batch;
  store_options.max_overlay = config.store_max_overlay;
  store_options.max_overlay_bytes = config.store_max_overlay_mib << 20;
  store_options.apply_delay = std::chrono::milliseconds(config.store_apply_delay_ms);
  store_options.value_index = config.store_value_index == "all"
                                  ? store::sqlite::ValueIndexPolicy::kAll
                                  : store::sqlite::ValueIndexPolicy::kOnDemand;
  store_options.max_value_indexes_per_tenant = config.store_max_value_indexes_per_tenant;
  store_options.logger = logger;
  auto store = store::sqlite::SqliteStore::Open(store_options);
  if (!store) {
    logger->error("msg=\"cannot open store\" data_dir=\"{}\" detail=\"{}\"", config.data_dir,
                  store.error().detail);
    return 1;
  }
  base::SystemClock clock;
  // Authentication (docs/security.md): off for every tenant the config does not name.
  // Per-tenant authorization policies, whose personal types (with the config's) the audit
  // trail and the personal data rule read.
  auth::Authenticator authenticator(config.auth);
  service::PolicyService policies(**store);
  authenticator.SetPolicySource(&policies);
  // Accesses to personal data go to the audit log (docs/security.md "Audit log").
  service::AuditTrail audit_trail(**store, &authenticator, [&logger](const base::Error& error) {
    logger->error("msg=\"audit append failed\" detail=\"{}\"", error.detail);
  });
  // Personal data is read by its owner or under the resident's consent (docs/security.md
  // "Personal data and consent").
  service::PersonalDataGuard personal_data(**store);
  service::ConsentService consents(**store);
  service::EntityService entities(**store, &audit_trail, &personal_data);

  // Notifications (docs/subscriptions.md): the registry mirrors the stored subscriptions;
  // matching runs after commit on its own thread, woken by the store; delivery drains the
  // outbox on its own threads. Both pick up what a previous run left in the store.
  notify::SubscriptionRegistry registry;
  auto registered = registry.Load(**store);
  if (!registered) {
    logger->error("msg=\"cannot load subscriptions\" detail=\"{}\"", registered.error().detail);
    (*store)->Close();
    return 1;
  }
  for (const auto& skipped : *registered) {
    // Stays stored (GET shows it, PATCH can repair it) but matches nothing until then.
    logger->warn("msg=\"subscription not loaded\" detail=\"{}\"", skipped);
  }
  // API keys (docs/security.md).
  service::ApiKeyService api_keys(**store);
  authenticator.AddVerifier(std::make_unique<ApiKeyVerifier>(api_keys));
  // Notifications only of what each subscription's owner may read now (docs/subscriptions.md
  // "Who a subscription notifies for"), personal data only under the rule of
  // docs/security.md "Personal data and consent": asked by matching, periodic and delivery.
  service::NotificationAccess notification_access(authenticator, api_keys, &personal_data, clock);
  // The SSRF guard (docs/subscriptions.md "Receiver guard"): checked when a subscription is
  // stored and on every resolved address a notification connects to.
  notify::ReceiverGuardOptions guard_options;
  guard_options.deny = config.notify_deny;
  guard_options.allow = config.notify_allow;
  guard_options.refuse_own_listener = config.notify_refuse_own_listener;
  guard_options.listen_address = config.listen_address;
  guard_options.listen_port = config.listen_port;
  auto guard = notify::ReceiverGuard::Create(guard_options);
  if (!guard) {
    logger->error("msg=\"invalid receiver guard\" detail=\"{}\"", guard.error().detail);
    (*store)->Close();
    return 1;
  }
  service::SubscriptionService subscriptions(
      **store, registry, service::SubscriptionLimits{config.max_subscriptions_per_tenant}, &*guard);
  http::ClientOptions notify_client_options{
      16, config.notify_ca_file, "renkei/" + api::ngsiv2::ApiOptions{}.version, {}};
  notify_client_options.verify_tls = !config.notify_insecure_tls;
  notify_client_options.endpoint_check =
      [&guard](const std::string& address, std::uint16_t port) -> std::optional<std::string> {
    auto parsed = notify::IpAddress::Parse(address);
    if (!parsed) return "unreadable receiver address " + address;
    return guard->CheckAddress(*parsed, port);
  };
  http::Client notify_client(notify_client_options);
  // Counters for GET /metrics (docs/metrics.md), fed by the dispatch and the notify workers.
  metrics::Counters counters;
  auto mqtt_publisher = notify::mqtt::Publisher::Create();
  if (!mqtt_publisher) {
    logger->warn("msg=\"MQTT notifications unavailable\" detail=\"{}\"",
                 mqtt_publisher.error().detail);
  }
  notify::DispatchingSender sender(notify_client, mqtt_publisher ? mqtt_publisher->get() : nullptr,
                                   std::chrono::milliseconds(config.notify_http_timeout_ms));
  notify::DeliveryOptions delivery_options;
  delivery_options.senders = config.notify_senders;
  delivery_options.pipeline_depth = config.notify_pipeline_depth;
  delivery_options.retry.initial_delay = std::chrono::milliseconds(config.notify_retry_initial_ms);
  delivery_options.retry.max_delay = std::chrono::milliseconds(config.notify_retry_max_ms);
  delivery_options.retry.max_attempts = static_cast<int>(config.notify_retry_max_attempts);
  delivery_options.on_attempt = [&counters](const store::DeliveryRecord& record) {
    if (record.delivered) {
      counters.CountNotification(record.tenant, metrics::NotificationEvent::kSent);
      return;
    }
    counters.CountNotification(record.tenant, metrics::NotificationEvent::kFailed);
    counters.CountNotification(record.tenant, record.give_up
                                                  ? metrics::NotificationEvent::kDropped
                                                  : metrics::NotificationEvent::kRetried);
  };
  delivery_options.gate = &notification_access;
  auto count_withheld = [&counters](const std::string& tenant) {
    counters.CountNotification(tenant, metrics::NotificationEvent::kWithheld);
  };
  delivery_options.on_withheld = count_withheld;
  notify::DeliveryWorker delivery(**store, registry, sender, clock, delivery_options, logger);
  notify::MatchingOptions matching_options;
  matching_options.max_outbox_per_tenant = config.max_outbox_per_tenant;
  matching_options.gate = &notification_access;
  matching_options.on_withheld = count_withheld;
  matching_options.entities = &**store;  // NGSI-LD join's linked entities
  // Rate limits (docs/security.md "Rate limits"): off unless configured; refusals counted.
  ratelimit::RateLimiter rate_limiter(
      config.ratelimit, [&counters](const std::string& tenant, ratelimit::LimitScope scope) {
        counters.CountRateLimited(tenant, ratelimit::LimitScopeName(scope));
      });
  // OpenID Connect (docs/security.md): JWKS URLs are the operator's, so no receiver guard.
  http::Client jwks_client(
      http::ClientOptions{2, "", "renkei/" + api::ngsiv2::ApiOptions{}.version, {}});
  if (!config.auth.trusted_issuers.empty()) {
    auto jwt_verifier = MakeJwtVerifier(config.auth, jwks_client);
    if (!jwt_verifier) {
      logger->error("msg=\"invalid OpenID Connect issuer\" detail=\"{}\"",
                    jwt_verifier.error().detail);
      (*store)->Close();
      return 1;
    }
    authenticator.AddVerifier(std::move(*jwt_verifier));
  }
  // NGSI-LD before matching: its subscriptions' notifications are rendered by it.
  api::ngsild::LdApiOptions ld_options;
  ld_options.authenticator = &authenticator;
  ld_options.rate_limiter = &rate_limiter;
  ld_options.context_timeout = std::chrono::milliseconds(config.ld_context_timeout_ms);
  ld_options.context_mirror_dir = config.ld_context_mirror;
  api::ngsild::NgsiLdApi ngsild(entities, subscriptions, **store, ld_options, clock);
  if (auto loaded = ngsild.LoadHostedContexts(); !loaded) {
    logger->error("msg=\"cannot load hosted @contexts\" detail=\"{}\"", loaded.error().detail);
    (*store)->Close();
    return 1;
  }
  // Each dialect renders the entities of its own subscriptions' notifications.
  notify::EntityRenderer render = [&ngsild](const core::Entity& entity,
                                            const notify::RenderRequest& request) {
    if (request.subscription != nullptr && request.subscription->ld) {
      return ngsild.RenderNotifiedEntity(entity, request);
    }
    return api::ngsiv2::RenderNotifiedEntity(entity, request);
  };
  matching_options.on_outbox_full = [&counters](std::size_t dropped) {
    counters.CountOutboxFullDrops(dropped);
  };
  notify::MatchingWorker matching(**store, registry, render, clock, matching_options, logger,
                                  [&delivery] { delivery.Wake(); });
  (*store)->SetChangeListener([&matching] { matching.Wake(); });
  // Changes no subscription can select are not journaled (docs/adr/0006).
  (*store)->SetJournalFilter([&registry](const std::string& tenant, std::string_view entity_id) {
    return registry.MaySelect(tenant, entity_id);
  });
  notify::PeriodicOptions periodic_options;
  periodic_options.max_outbox_per_tenant = config.max_outbox_per_tenant;
  periodic_options.gate = &notification_access;
  periodic_options.on_withheld = count_withheld;
  notify::PeriodicNotifier periodic(**store, **store, registry, render, clock, periodic_options,
                                    logger, [&delivery] { delivery.Wake(); });
  delivery.Start();
  matching.Start();
  periodic.Start();

  api::ngsiv2::ApiOptions api_options;
  api_options.cors_origins = config.cors_origins;
  api_options.started_at = clock.Now();
  api_options.authenticator = &authenticator;
  api_options.rate_limiter = &rate_limiter;
  api::ngsiv2::NgsiV2Api ngsiv2(entities, subscriptions, api_options, clock);
  // The data quality report (docs/data-quality.md) reads through the same service layer.
  opendata::QualityService quality_service(entities, config.quality);
  api::quality::QualityApi quality(quality_service, clock, &authenticator, &rate_limiter);
  api::opendata::OpendataApiOptions opendata_options;
  opendata_options.mappings_dir = config.opendata_mappings_dir;
  opendata_options.max_import_bytes = config.opendata_max_import_bytes;
  opendata_options.authenticator = &authenticator;
  opendata_options.rate_limiter = &rate_limiter;
  opendata_options.quality = config.quality;
  api::opendata::OpendataAdminApi opendata(entities, opendata_options, clock);
  api::audit::AuditApi audit(**store, clock, &authenticator, &rate_limiter);
  api::access::AccessAdminApi access(api_keys, policies, &authenticator, &rate_limiter, clock);
  api::consent::ConsentApi consent(consents, &authenticator, &rate_limiter, clock);
  // Both dialects and the admin endpoints share the server; the path prefix picks one
  // (docs/architecture.md). Every answer is counted by dialect and status class
  // (docs/metrics.md).
  auto dispatch = [&ngsiv2, &ngsild, &quality, &opendata, &audit, &access, &consent, &counters,
                   &store, &authenticator,
                   &clock](http::Request&& request, const http::Responder& responder) {
    const metrics::Dialect dialect = DialectOfPath(request.path);
    http::Responder counted = [&counters, dialect, responder](http::Response response) {
      counters.CountRequest(dialect, response.status);
      responder(std::move(response));
    };
    if (request.plain_http_refused && dialect == metrics::Dialect::kOther) {
      // The dialects phrase this refusal themselves; the admin endpoints and /metrics get it
      // here, before any of them reads the request (docs/tls.md).
      counted(api::common::ProblemResponse(403, "Forbidden", api::kPlainHttpRefused));
    } else if (request.path.starts_with(api::quality::kQualityPath)) {
      quality.Handle(std::move(request), counted);
    } else if (api::consent::ConsentApi::Serves(request.path)) {
      consent.Handle(std::move(request), counted);
    } else if (request.path.starts_with(api::access::kTenantsPathPrefix)) {
      access.Handle(std::move(request), counted);
    } else if (request.path.starts_with(api::opendata::kOpendataPathPrefix)) {
      opendata.Handle(std::move(request), counted);
    } else if (api::audit::AuditApi::Serves(request.path)) {
      audit.Handle(std::move(request), counted);
    } else if (dialect == metrics::Dialect::kNgsiLd) {
      ngsild.Handle(std::move(request), counted);
    } else if (request.path == kMetricsPath) {
      counted(MetricsResponse(request, counters, **store, &authenticator, clock.Now(),
                              StoreGauges(**store)));
    } else {
      ngsiv2.Handle(std::move(request), counted);
    }
  };

  http::ServerOptions server_options;
  server_options.address = config.listen_address;
  server_options.port = config.listen_port;
  server_options.threads = config.threads;
  server_options.max_body_bytes = config.max_payload_bytes;
  // CSV files are larger than any API payload (docs/opendata-mapping.md "Limits").
  server_options.body_limits_by_prefix.emplace_back(
      std::string(api::opendata::kOpendataPathPrefix) + "import", config.opendata_max_import_bytes);
  server_options.body_limits_by_prefix.emplace_back(
      std::string(api::opendata::kOpendataPathPrefix) + "quality",
      config.opendata_max_import_bytes);
  server_options.idle_timeout = std::chrono::seconds(config.idle_timeout_seconds);
  if (!config.tls_cert_file.empty()) {
    server_options.tls =
        http::TlsOptions{config.tls_cert_file, config.tls_key_file,
                         config.tls_required.value_or(true), config.tls_exempt_loopback};
  }
  http::Server server(
      server_options,
      [&dispatch, &logger](http::Request&& request, http::Responder responder) {
        if (!logger->should_log(spdlog::level::debug)) {
          dispatch(std::move(request), responder);
          return;
        }
        // Access log (debug level): one logfmt line per request, with its correlator.
        const auto started = std::chrono::steady_clock::now();
        std::string method = request.method;
        std::string target = request.target;
        dispatch(std::move(request), [responder, logger, started, method = std::move(method),
                                      target = std::move(target)](http::Response response) {
          const auto correlator = http::FindHeader(response.headers, "Fiware-Correlator");
          const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count();
          logger->debug("msg=request method={} target=\"{}\" status={} micros={} corr={}", method,
                        target, response.status, micros, correlator.value_or("-"));
          responder(std::move(response));
        });
      },
      logger);
  if (auto started = server.Start(); !started) {
    logger->error("msg=\"cannot listen\" address=\"{}:{}\" detail=\"{}\"", config.listen_address,
                  config.listen_port, started.error().detail);
    periodic.Stop();
    matching.Stop();
    delivery.Stop();
    (*store)->Close();
    return 1;
  }
  logger->info("msg=\"renkei listening\" address=\"{}:{}\" data_dir=\"{}\"", config.listen_address,
               server.port(), config.data_dir);
  {
    ExpirySweeper sweeper(**store, clock, std::chrono::seconds(config.expiry_sweep_seconds),
                          logger);
    int received = 0;
    for (;;) {
      sigwait(&signals, &received);
      if (received != SIGHUP) break;
      if (!server_options.tls) {
        logger->info("msg=\"SIGHUP ignored: no TLS certificate configured\"");
      } else if (auto reloaded = server.ReloadTls(); !reloaded) {
        // New connections keep getting the previous certificate.
        logger->error("msg=\"tls reload failed; keeping the previous certificate\" detail=\"{}\"",
                      reloaded.error().detail);
      }
    }
    logger->info("msg=\"shutting down\" signal={}", received);
    server.Stop();
  }
  // Matching first (it commits through the store), then delivery (in-flight sends end
  // within their timeout); what is left in the journal and outbox waits for the next start.
  periodic.Stop();
  matching.Stop();
  delivery.Stop();
  (*store)->Close();
  logger->info("msg=\"stopped\"");
  return 0;
}

}  // namespace renkei::app
