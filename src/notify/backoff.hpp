// Retry policy of the outbox: exponential backoff, bounded (docs/subscriptions.md
// "Delivery guarantees"). Attempt n (1 = the first retry) waits initial * 2^(n-1), at most
// `max_delay`; after `max_attempts` failed attempts the notification is given up.
// Plain data and a pure function.
#pragma once

#include <chrono>

namespace renkei::notify {

struct RetryPolicy {
  std::chrono::milliseconds initial_delay{1000};
  std::chrono::milliseconds max_delay{60000};
  int max_attempts = 50;  // with the defaults: about 45 minutes of retries
};

// The wait before retrying after `failed_attempts` failures (>= 1).
std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts);
// Whether to give up after `failed_attempts` failures.
bool GiveUp(const RetryPolicy& policy, int failed_attempts);

}  // namespace renkei::notify
