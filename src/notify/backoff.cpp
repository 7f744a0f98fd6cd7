#include "notify/backoff.hpp"

#include <algorithm>

namespace renkei::notify {

std::chrono::milliseconds RetryDelay(const RetryPolicy& policy, int failed_attempts) {
  auto delay = policy.initial_delay;
  for (int i = 1; i < failed_attempts && delay < policy.max_delay; ++i) delay *= 2;
  return std::min(delay, policy.max_delay);
}

bool GiveUp(const RetryPolicy& policy, int failed_attempts) {
  return policy.max_attempts > 0 && failed_attempts >= policy.max_attempts;
}

}  // namespace renkei::notify
