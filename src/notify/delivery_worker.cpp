#include "notify/delivery_worker.hpp"

#include <algorithm>
#include <functional>
#include <future>
#include <limits>
#include <span>

#include "notify/notified_entities.hpp"

namespace renkei::notify {

DeliveryWorker::DeliveryWorker(store::SubscriptionStore& store, SubscriptionRegistry& registry,
                               Sender& sender, const base::Clock& clock, DeliveryOptions options,
                               std::shared_ptr<spdlog::logger> logger)
    : store_(store),
      registry_(registry),
      sender_(sender),
      clock_(clock),
      options_(options),
      logger_(std::move(logger)) {}

DeliveryWorker::~DeliveryWorker() { Stop(); }

void DeliveryWorker::Start() {
  woken_ = true;  // rows left from before a restart
  scheduler_ = std::thread([this] { ScheduleLoop(); });
  for (std::size_t i = 0; i < std::max<std::size_t>(1, options_.senders); ++i) {
    senders_.emplace_back([this] { SendLoop(); });
  }
}

void DeliveryWorker::Wake() {
  {
    std::lock_guard lock(mu_);
    woken_ = true;
  }
  schedule_cv_.notify_one();
}

void DeliveryWorker::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    stop_requested_ = true;
    work_.clear();
  }
  schedule_cv_.notify_all();
  work_cv_.notify_all();
  if (scheduler_.joinable()) scheduler_.join();
  for (auto& t : senders_) {
    if (t.joinable()) t.join();
  }
  senders_.clear();
}

void DeliveryWorker::ScheduleLoop() {
  auto wait = options_.idle_poll;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      // Each read scans the outbox's queue heads: read again only when the senders are about
      // to run out of work, not after every completed delivery.
      schedule_cv_.wait_for(
          lock, wait, [this] { return stopping_ || (woken_ && work_.size() < options_.senders); });
      if (stopping_) return;
      woken_ = false;
    }
    wait = options_.idle_poll;
    auto heads = store_.LoadOutboxHeads(options_.heads_per_poll);
    if (!heads) {
      if (logger_) logger_->warn("msg=\"outbox read failed\" detail=\"{}\"", heads.error().detail);
      continue;
    }
    const base::Timestamp now = clock_.Now();
    std::lock_guard lock(mu_);
    for (auto& head : *heads) {
      Key key{head.tenant, head.subscription_id};
      if (in_flight_.contains(key)) continue;
      if (auto last = last_recorded_.find(key); last != last_recorded_.end()) {
        const store::DeliveryRecord& r = last->second;
        const bool removed = r.delivered || r.give_up || r.withheld;
        if (head.seq < r.seq || (head.seq == r.seq && removed)) continue;  // stale read
        // (A head with untried rows behind it is due now, whatever its last retry said.)
        if (head.seq == r.seq && !head.untried_behind &&
            r.next_attempt.millis > head.next_attempt.millis) {
          head.next_attempt = r.next_attempt;
        }
      }
      if (head.next_attempt.millis > now.millis) {
        // Heads come earliest first: sleep until this one is due (or a wake).
        wait = std::min(wait, std::chrono::milliseconds(head.next_attempt.millis - now.millis));
        continue;
      }
      in_flight_.insert(std::move(key));
      work_.push_back(std::move(head));
    }
    if (!work_.empty()) work_cv_.notify_all();
  }
}

void DeliveryWorker::SendLoop() {
  for (;;) {
    store::OutboxEntry entry;
    {
      std::unique_lock lock(mu_);
      work_cv_.wait(lock, [this] { return stopping_ || !work_.empty(); });
      if (stopping_) return;
      entry = std::move(work_.front());
      work_.pop_front();
    }
    std::optional<store::DeliveryRecord> recorded;
    try {
      recorded = Deliver(TakeBatch(entry));
    } catch (const std::exception& e) {
      // The row stays in the outbox and is tried again at the next poll.
      if (logger_) logger_->error("msg=\"delivery failed\" detail=\"{}\"", e.what());
    } catch (...) {
      if (logger_) logger_->error("msg=\"delivery failed\" detail=\"unknown exception\"");
    }
    {
      std::lock_guard lock(mu_);
      Key key{entry.tenant, entry.subscription_id};
      if (recorded) last_recorded_.insert_or_assign(key, std::move(*recorded));
      in_flight_.erase(key);
      woken_ = true;  // its next row may be due now
    }
    schedule_cv_.notify_one();
  }
}

std::vector<store::OutboxEntry> DeliveryWorker::TakeBatch(store::OutboxEntry head) {
  std::vector<store::OutboxEntry> batch;
  const std::int64_t head_seq = head.seq;
  batch.push_back(std::move(head));
  if (options_.batch_per_subscription <= 1) return batch;
  // This subscription is in flight on this thread: nobody else sends or records its rows,
  // and its last record committed before it was handed out, so this read is current.
  auto queued = store_.LoadOutboxQueue(batch.front().tenant, batch.front().subscription_id,
                                       head_seq, options_.batch_per_subscription - 1);
  if (!queued) {
    if (logger_) logger_->warn("msg=\"outbox read failed\" detail=\"{}\"", queued.error().detail);
    return batch;  // the head alone
  }
  const base::Timestamp now = clock_.Now();
  for (auto& entry : *queued) {
    if (entry.next_attempt.millis > now.millis) break;  // order: nothing overtakes a waiting row
    batch.push_back(std::move(entry));
  }
  return batch;
}

store::DeliveryRecord DeliveryWorker::RecordOf(const store::OutboxEntry& entry,
                                               const SendOutcome& outcome) {
  store::DeliveryRecord record;
  record.seq = entry.seq;
  record.tenant = entry.tenant;
  record.subscription_id = entry.subscription_id;
  record.delivered = outcome.delivered;
  record.first_attempt = entry.attempts == 0;
  record.status_code = outcome.status;
  record.failure_reason = outcome.reason;
  record.give_up = outcome.permanent;
  record.at = clock_.Now();
  if (!record.delivered) {
    const int failed = entry.attempts + 1;
    if (logger_) {
      logger_->debug("msg=\"notification attempt failed\" subscription={} attempt={} reason=\"{}\"",
                     entry.subscription_id, failed, record.failure_reason);
    }
    record.give_up = record.give_up || GiveUp(options_.retry, failed);
    record.next_attempt =
        base::Timestamp{record.at.millis + RetryDelay(options_.retry, failed).count()};
    if (record.give_up && logger_) {
      logger_->warn("msg=\"notification given up\" subscription={} attempts={} reason=\"{}\"",
                    entry.subscription_id, failed, record.failure_reason);
    }
  }
  if (options_.on_attempt) options_.on_attempt(record);
  return record;
}

// The notifications a failed attempt counts, as the store counts them
// (store::DeliveryRecord::Counts): the attempted one, and for NGSIv2 those of the batch
// behind it never tried; the store also counts untried rows beyond the batch, which the next
// read of the store shows.
std::int64_t DeliveryWorker::CountedFailures(const std::vector<store::OutboxEntry>& batch,
                                             const store::DeliveryRecord& failure) {
  std::int64_t failed = failure.Counts() ? 1 : 0;
  if (failure.give_up || failure.counts_attempts) return failed;
  for (const auto& entry : batch) {
    if (entry.seq > failure.seq && entry.attempts == 0) ++failed;
  }
  return failed;
}

std::vector<store::DeliveryRecord> DeliveryWorker::Attempt(
    const std::vector<store::OutboxEntry>& batch) {
  std::vector<store::DeliveryRecord> records;
  records.reserve(batch.size());
  // Decoded up to the first row this version cannot read: that one is given up (it would
  // block its queue forever), after the rows before it went.
  std::vector<OutboundMessage> messages;
  std::optional<base::Error> unreadable;
  for (const auto& entry : batch) {
    auto message = DecodeOutbound(entry);
    if (!message) {
      unreadable = message.error();
      break;
    }
    messages.push_back(std::move(*message));
  }
  const std::size_t depth = std::max<std::size_t>(1, options_.pipeline_depth);
  for (std::size_t from = 0; from < messages.size(); from += depth) {
    if (!records.empty() && stop_requested_) return records;  // the rest stays queued
    const std::span<const OutboundMessage> window(messages.data() + from,
                                                  std::min(depth, messages.size() - from));
    const auto outcomes = sender_.SendBatch(window);
    for (std::size_t i = 0; i < outcomes.size(); ++i) {
      records.push_back(RecordOf(batch[from + i], outcomes[i]));
      // The next row waits for this one: after a failure it stays queued behind the retry.
      if (!records.back().delivered) return records;
    }
    if (outcomes.size() < window.size()) return records;  // a sender that stopped early
  }
  if (unreadable) {
    records.push_back(RecordOf(batch[messages.size()],
                               SendOutcome{false, std::nullopt, unreadable->detail, true}));
  }
  return records;
}

std::optional<std::vector<store::OutboxEntry>> DeliveryWorker::Recheck(
    const std::vector<store::OutboxEntry>& batch, const Subscription* sub,
    std::vector<store::DeliveryRecord>& withheld) {
  if (options_.gate == nullptr || sub == nullptr) return std::nullopt;
  const EntityCheck check = options_.gate->CheckFor(batch.front().tenant, *sub);
  if (!check) return std::nullopt;
  std::optional<std::vector<store::OutboxEntry>> allowed;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    const store::OutboxEntry& entry = batch[i];
    // A row this version cannot read is sent (and given up by Attempt) as before.
    auto entities = DecodeNotifiedEntities(entry.entities);
    const bool readable =
        !entities || std::all_of(entities->begin(), entities->end(), std::cref(check));
    if (readable) {
      if (allowed) allowed->push_back(entry);
      continue;
    }
    // The first withheld row: the rows before it go, copied only now.
    if (!allowed) allowed.emplace(batch.begin(), batch.begin() + static_cast<std::ptrdiff_t>(i));
    store::DeliveryRecord record;
    record.seq = entry.seq;
    record.tenant = entry.tenant;
    record.subscription_id = entry.subscription_id;
    record.at = clock_.Now();
    record.withheld = true;
    withheld.push_back(std::move(record));
    if (options_.on_withheld) options_.on_withheld(entry.tenant);
  }
  return allowed;
}

std::optional<store::DeliveryRecord> DeliveryWorker::Deliver(
    const std::vector<store::OutboxEntry>& batch) {
  const store::OutboxEntry& head = batch.front();
  const auto registered = registry_.Find(head.tenant, head.subscription_id);
  const Subscription* sub = registered ? &registered->compiled->subscription() : nullptr;
  std::vector<store::DeliveryRecord> withheld;
  const auto filtered = Recheck(batch, sub, withheld);
  const std::vector<store::OutboxEntry>& allowed = filtered ? *filtered : batch;
  // Counted as sent while on the wire (SubscriptionRegistry::AddInFlight), then as answered
  // (NoteOutcome) until the store's lastNotification reaches the answer. Readers read the
  // store before the registry, so a notification is counted once, and never missed.
  // What counts in timesSent: first attempts, or every attempt for NGSI-LD
  // (store::DeliveryRecord::Counts).
  const bool counts_attempts = sub != nullptr && sub->ld.has_value();
  const auto in_flight = static_cast<std::int64_t>(std::count_if(
      allowed.begin(), allowed.end(),
      [counts_attempts](const auto& entry) { return counts_attempts || entry.attempts == 0; }));
  registry_.AddInFlight(head.tenant, head.subscription_id, in_flight, clock_.Now());
  std::vector<store::DeliveryRecord> records = Attempt(allowed);
  for (auto& record : records) record.counts_attempts = counts_attempts;
  if (!records.empty()) {
    const store::DeliveryRecord& last = records.back();
    const std::int64_t failed = last.delivered ? 0 : CountedFailures(allowed, last);
    const auto delivered = std::count_if(records.begin(), records.end(),
                                         [](const auto& r) { return r.delivered && r.Counts(); });
    registry_.NoteOutcome(head.tenant, head.subscription_id, last, delivered + failed, failed);
  }
  registry_.AddInFlight(head.tenant, head.subscription_id, -in_flight, base::Timestamp{});
  // Sending stops at the first row not delivered (it waits for its retry) or at a stop: the
  // withheld rows behind that point stay queued and are re-checked when their turn comes,
  // so the last record is still the queue's furthest point (the scheduler's stale check).
  const bool all_sent = records.size() == allowed.size() &&
                        (records.empty() || records.back().delivered || records.back().give_up);
  const std::int64_t reached = all_sent
                                   ? std::numeric_limits<std::int64_t>::max()
                                   : (records.empty() ? allowed.front().seq : records.back().seq);
  for (auto& record : withheld) {
    if (record.seq < reached) records.push_back(std::move(record));
  }
  if (records.empty()) return std::nullopt;  // stopped before anything was attempted
  std::sort(records.begin(), records.end(),
            [](const auto& a, const auto& b) { return a.seq < b.seq; });
  if (sub != nullptr) {
    for (auto& record : records) record.max_fails_limit = sub->max_fails_limit;
  }
  store::DeliveryRecord last = records.back();
  std::promise<base::Result<bool>> promise;
  auto future = promise.get_future();
  store_.RecordDeliveries(std::move(records),
                          [&promise](base::Result<bool> r) { promise.set_value(std::move(r)); });
  auto deactivated = future.get();
  if (!deactivated) {
    if (logger_) {
      logger_->warn("msg=\"delivery record failed\" subscription={} detail=\"{}\"",
                    head.subscription_id, deactivated.error().detail);
    }
    return std::nullopt;
  }
  if (*deactivated) {
    registry_.SetStatus(head.tenant, head.subscription_id, "inactive");
    if (logger_) {
      // Orion logs the same event at WARN ("automatically disabled due to failsCounter").
      logger_->warn("msg=\"subscription disabled: maxFailsLimit reached\" subscription={}",
                    head.subscription_id);
    }
  }
  return last;
}

}  // namespace renkei::notify
