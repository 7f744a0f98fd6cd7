#include "notify/matching_worker.hpp"

#include <algorithm>
#include <future>
#include <map>
#include <optional>

#include "notify/linked_entity_reader.hpp"
#include "notify/notified_entities.hpp"

namespace renkei::notify {
namespace {

bool Expired(const Subscription& sub, base::Timestamp now) {
  return sub.expires && sub.expires->millis <= now.millis;
}

}  // namespace

MatchingWorker::MatchingWorker(store::SubscriptionStore& store, SubscriptionRegistry& registry,
                               EntityRenderer render, const base::Clock& clock,
                               MatchingOptions options, std::shared_ptr<spdlog::logger> logger,
                               std::function<void()> on_enqueued)
    : store_(store),
      registry_(registry),
      render_(std::move(render)),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)),
      on_enqueued_(std::move(on_enqueued)) {}

MatchingWorker::~MatchingWorker() { Stop(); }

void MatchingWorker::Start() {
  woken_ = true;  // the journal may hold changes from before a restart
  thread_ = std::thread([this] { Loop(); });
}

void MatchingWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  cv_.notify_one();
}

void MatchingWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void MatchingWorker::Loop() {
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, options_.idle_poll, [this] { return woken_ || stopping_; });
      if (stopping_) return;
      woken_ = false;
    }
    // Drain: a full batch means more may be waiting.
    for (;;) {
      // An exception (std::regex, allocation) must not end the thread: the journal would
      // then grow until restart. The round is retried at the next wake or poll.
      base::Result<std::size_t> consumed =
          base::Fail(base::ErrorCode::kInternalError, "InternalError", "unexpected exception");
      try {
        consumed = RunOnce();
      } catch (const std::exception& e) {
        consumed = base::Fail(base::ErrorCode::kInternalError, "InternalError", e.what());
      } catch (...) {  // NOLINT(bugprone-empty-catch): reported below as the generic error
      }
      if (!consumed) {
        if (logger_) {
          logger_->warn("msg=\"notification matching failed\" detail=\"{}\"",
                        consumed.error().detail);
        }
        break;
      }
      if (*consumed == 0) break;  // a full or capped round means more may be waiting
      std::lock_guard lock(mu_);
      if (stopping_) return;
    }
  }
}

base::Result<void> MatchingWorker::RemoveConsumed() {
  if (cursor_ <= removed_through_) return base::Ok();
  const std::int64_t through = cursor_;
  store::MatchCommit commit;
  commit.consumed_through = through;
  std::promise<base::Result<std::size_t>> promise;
  auto future = promise.get_future();
  store_.CommitMatches(std::move(commit), [&promise](base::Result<std::size_t> r) {
    promise.set_value(std::move(r));
  });
  RENKEI_TRY_VOID(future.get());
  removed_through_ = through;
  return base::Ok();
}

const CandidateIndex& MatchingWorker::IndexFor(const std::string& tenant) {
  // Generation first, then the subscriptions: a change in between only rebuilds once more.
  const std::uint64_t generation = registry_.Generation();
  auto it = indexes_.find(tenant);
  if (it == indexes_.end() || it->second.generation != generation) {
    TenantIndex fresh{generation, CandidateIndex()};
    for (const auto& registered : registry_.ForMatching(tenant)) {
      fresh.index.Add(registered.compiled->subscription());
    }
    it = indexes_.insert_or_assign(tenant, std::move(fresh)).first;
  }
  return it->second.index;
}

base::Result<std::size_t> MatchingWorker::RunOnce() {
  // Read before the journal: every row up to it is committed, so an empty read means they
  // were all matched and the versions kept for them can go.
  const std::int64_t position = store_.JournalPosition();
  RENKEI_TRY(auto changes, store_.LoadChanges(cursor_, options_.batch));
  if (changes.empty()) {
    registry_.ReleaseThrough(std::max(cursor_, position));
    RENKEI_TRY_VOID(RemoveConsumed());
    return std::size_t{0};
  }
  const base::Timestamp now = clock_.Now();
  store::MatchCommit commit;
  commit.max_outbox_per_tenant = options_.max_outbox_per_tenant;
  std::map<std::string, int> per_request;  // correlator → notifications so far (cbnotif)
  // The owners' rights as of this round, one evaluation per subscription (not per change).
  std::map<std::pair<std::string, std::string>, EntityCheck> checks;
  const EntityCheck no_check;
  std::size_t consumed = 0;
  for (const auto& change : changes) {
    // Bound the round's memory and the first notification's delay: stop once enough are
    // rendered, but not inside one request's changes (cbnotif counts per request).
    if (commit.entries.size() >= options_.max_notifications_per_round && consumed > 0 &&
        changes[consumed - 1].correlator != change.correlator) {
      break;
    }
    ++consumed;
    commit.consumed_through = change.seq;
    const core::Entity* notified = change.after ? &*change.after : nullptr;
    if (notified == nullptr && change.before) notified = &*change.before;
    if (notified == nullptr) continue;
    IndexFor(change.tenant).ForEach(notified->id, [&](const std::string& id) {
      // The subscription as it was when the change committed (SubscriptionRegistry).
      auto registered = registry_.FindFor(change.tenant, id, change.seq);
      if (!registered) return;
      if (registered->status != "active" && registered->status != "oneshot") return;
      const CompiledSubscription& compiled = *registered->compiled;
      const Subscription& sub = compiled.subscription();
      if (Expired(sub, now)) return;
      auto trigger = Match(compiled, change, now);
      if (!trigger) return;
      const EntityCheck* check = nullptr;  // nullptr or empty: nothing is checked
      if (options_.gate != nullptr) {
        auto [found, fresh] = checks.try_emplace({change.tenant, sub.id});
        if (fresh) found->second = options_.gate->CheckFor(change.tenant, sub);
        check = &found->second;
        if (*check && !(*check)(*notified)) {
          if (options_.on_withheld) options_.on_withheld(change.tenant);
          return;
        }
      }
      // Orion "throttling": notifications inside the guard period are discarded.
      if (registry_.Throttled(change.tenant, sub.id, sub.throttling.value_or(0), now)) return;
      NotificationContext context;
      context.tenant = change.tenant;
      context.correlator = change.correlator;
      context.sequence = ++per_request[change.correlator];
      context.default_timeout_ms = options_.default_timeout_ms;
      context.now = now;
      // §4.5.23 join: linked entities pass the owner's check too (linked_entity_reader.hpp).
      std::optional<LinkedEntityReader> linked;
      if (options_.entities != nullptr && sub.ld && !sub.ld->join.empty()) {
        linked.emplace(*options_.entities, change.tenant, check != nullptr ? *check : no_check, now,
                       logger_);
        context.linked = linked->Fetch();
      }
      auto message = BuildNotification(compiled, *trigger, change, context, render_);
      if (!message) {
        if (logger_) {
          logger_->info("msg=\"notification not sent\" subscription={} detail=\"{}\"", sub.id,
                        message.error().detail);
        }
        return;
      }
      store::OutboxEntry entry;
      entry.tenant = change.tenant;
      entry.subscription_id = sub.id;
      entry.next_attempt = now;
      entry.created_at = now;
      EncodeOutbound(*message, entry);
      // What delivery re-checks; a tenant whose notifications are not checked needs none.
      if (check != nullptr && *check) {
        std::vector<core::Entity> recorded{*notified};
        if (linked) recorded.insert(recorded.end(), linked->Given().begin(), linked->Given().end());
        entry.entities = EncodeNotifiedEntities(recorded);
      }
      commit.entries.push_back(std::move(entry));
      if (registered->status == "oneshot") {
        // Orion "Oneshot Subscriptions": inactive once it fired.
        commit.deactivate.emplace_back(change.tenant, sub.id);
        registry_.SetStatus(change.tenant, sub.id, "inactive");
      }
    });
  }
  const bool enqueued = !commit.entries.empty();
  if (!enqueued && commit.deactivate.empty()) {
    // Nothing to queue: the changes need no commit of their own (on a write path whose
    // changes match nothing, one commit per round would double the commits). They leave the
    // journal with the next commit (CommitMatches removes every row up to its seq), or by
    // RemoveConsumed once a batch accumulated or the journal is drained. A crash before that
    // matches them again after restart: nothing again, except for a subscription created
    // meanwhile (as for any change journaled just before a crash; docs/adr/0006).
    cursor_ = commit.consumed_through;
    registry_.ReleaseThrough(cursor_);
    if (cursor_ - removed_through_ >= static_cast<std::int64_t>(options_.batch)) {
      RENKEI_TRY_VOID(RemoveConsumed());
    }
    return consumed;
  }
  const std::int64_t commit_through = commit.consumed_through;
  std::promise<base::Result<std::size_t>> promise;
  auto future = promise.get_future();
  store_.CommitMatches(std::move(commit), [&promise](base::Result<std::size_t> r) {
    promise.set_value(std::move(r));
  });
  RENKEI_TRY(std::size_t dropped, future.get());
  cursor_ = removed_through_ = commit_through;
  registry_.ReleaseThrough(cursor_);
  if (dropped > 0 && logger_) {
    logger_->warn("msg=\"outbox full: notifications dropped\" count={}", dropped);
  }
  if (dropped > 0 && options_.on_outbox_full) options_.on_outbox_full(dropped);
  if (enqueued && on_enqueued_) on_enqueued_();
  return consumed;
}

}  // namespace renkei::notify
