#include "notify/periodic_notifier.hpp"

#include <future>
#include <optional>

#include "notify/ld_notification_builder.hpp"
#include "notify/linked_entity_reader.hpp"
#include "notify/notified_entities.hpp"

namespace renkei::notify {

PeriodicNotifier::PeriodicNotifier(store::EntityStore& entities, store::SubscriptionStore& store,
                                   SubscriptionRegistry& registry, EntityRenderer render,
                                   const base::Clock& clock, PeriodicOptions options,
                                   std::shared_ptr<spdlog::logger> logger,
                                   std::function<void()> on_enqueued)
    : entities_(entities),
      store_(store),
      registry_(registry),
      render_(std::move(render)),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)),
      on_enqueued_(std::move(on_enqueued)) {}

PeriodicNotifier::~PeriodicNotifier() { Stop(); }

void PeriodicNotifier::Start() {
  thread_ = std::thread([this] { Loop(); });
}

void PeriodicNotifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void PeriodicNotifier::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.tick, [this] { return stopping_; });
      if (stopping_) return;
    }
    // As in matching: an exception must not end the thread; the round is tried again.
    try {
      if (auto r = RunOnce(); !r && logger_) {
        logger_->warn("msg=\"periodic notifications failed\" detail=\"{}\"", r.error().detail);
      }
    } catch (const std::exception& e) {
      if (logger_) logger_->warn("msg=\"periodic notifications failed\" detail=\"{}\"", e.what());
    }
  }
}

base::Result<std::vector<core::Entity>> PeriodicNotifier::CurrentEntities(
    const CompiledSubscription& compiled, base::Timestamp now) {
  const LdFilters& filters = *compiled.ld_filters();
  store::EntityQuery query;
  query.selectors = filters.StoreSelectors();
  query.limit = options_.max_entities;
  query.now = now;
  std::vector<core::Entity> out;
  // Pages until the cap: the store's selectors may find more than the subscription keeps.
  for (;;) {
    RENKEI_TRY(auto page, entities_.Query(compiled.tenant(), query));
    for (auto& e : page.entities) {
      if (!filters.Selects(e) || !filters.Filters(e)) continue;
      out.push_back(std::move(e));
      if (out.size() >= options_.max_entities) return out;
    }
    if (page.entities.size() < query.limit) return out;
    query.offset += query.limit;
  }
}

base::Result<std::size_t> PeriodicNotifier::RunOnce() {
  const base::Timestamp now = clock_.Now();
  store::MatchCommit commit;
  commit.max_outbox_per_tenant = options_.max_outbox_per_tenant;
  std::map<std::pair<std::string, std::string>, base::Timestamp> due;
  for (const auto& registered : registry_.Periodic()) {
    const CompiledSubscription& compiled = *registered.compiled;
    const Subscription& sub = compiled.subscription();
    if (!sub.ld || !sub.ld->time_interval || compiled.ld_filters() == nullptr) continue;
    const auto key = std::make_pair(compiled.tenant(), sub.id);
    const auto known = due_.find(key);
    const base::Timestamp next = known != due_.end() ? known->second : now;
    due[key] = next;  // subscriptions gone meanwhile drop out of due_
    if (registered.status != "active") continue;
    if (sub.expires && sub.expires->millis <= now.millis) continue;
    if (next.millis > now.millis) continue;
    due[key] = base::Timestamp{now.millis + *sub.ld->time_interval * 1000};
    RENKEI_TRY(auto current, CurrentEntities(compiled, now));
    // §5.8.6: a periodic notification carries the matching entities; with none there is
    // nothing to notify (and a receiver would count empty notifications as sent).
    if (current.empty()) continue;
    EntityCheck check;  // empty: nothing is checked
    if (options_.gate != nullptr) {
      check = options_.gate->CheckFor(compiled.tenant(), sub);
      if (check) std::erase_if(current, [&check](const core::Entity& e) { return !check(e); });
      if (current.empty()) {
        if (options_.on_withheld) options_.on_withheld(compiled.tenant());
        continue;
      }
    }
    NotificationContext context;
    context.tenant = compiled.tenant();
    context.correlator = "periodic";
    context.sequence = static_cast<int>(now.millis % 1000000000);
    context.default_timeout_ms = options_.default_timeout_ms;
    context.now = now;
    // §4.5.23 join: linked entities pass the owner's check too (linked_entity_reader.hpp).
    std::optional<LinkedEntityReader> linked;
    if (!sub.ld->join.empty()) {
      linked.emplace(entities_, compiled.tenant(), check, now, logger_);
      context.linked = linked->Fetch();
    }
    store::OutboxEntry entry;
    entry.tenant = compiled.tenant();
    entry.subscription_id = sub.id;
    entry.next_attempt = now;
    entry.created_at = now;
    EncodeOutbound(BuildLdMessage(sub, current, context, render_), entry);
    // What delivery re-checks; a tenant whose notifications are not checked needs none.
    if (check) {
      if (linked) current.insert(current.end(), linked->Given().begin(), linked->Given().end());
      entry.entities = EncodeNotifiedEntities(current);
    }
    commit.entries.push_back(std::move(entry));
  }
  due_ = std::move(due);
  const std::size_t enqueued = commit.entries.size();
  if (enqueued == 0) return enqueued;
  std::promise<base::Result<std::size_t>> promise;
  auto future = promise.get_future();
  store_.CommitMatches(std::move(commit), [&promise](base::Result<std::size_t> r) {
    promise.set_value(std::move(r));
  });
  RENKEI_TRY(std::size_t dropped, future.get());
  if (dropped > 0 && logger_) {
    logger_->warn("msg=\"outbox full: notifications dropped\" count={}", dropped);
  }
  if (on_enqueued_) on_enqueued_();
  return enqueued;
}

}  // namespace renkei::notify
