#include "ratelimit/token_bucket.hpp"

#include <algorithm>
#include <cmath>

namespace renkei::ratelimit {

double TokenBucket::TokensAt(const BucketLimits& limits, std::int64_t now_millis) const {
  const std::int64_t elapsed = std::max<std::int64_t>(0, now_millis - updated_millis_);
  return std::min(limits.burst,
                  tokens_ + static_cast<double>(elapsed) * limits.rate_per_second / 1000.0);
}

TakeResult TokenBucket::Take(const BucketLimits& limits, std::int64_t now_millis) {
  tokens_ = TokensAt(limits, now_millis);
  updated_millis_ = std::max(updated_millis_, now_millis);
  if (tokens_ >= 1.0) {
    tokens_ -= 1.0;
    return TakeResult{true, 0};
  }
  const double wait = std::ceil((1.0 - tokens_) * 1000.0 / limits.rate_per_second);
  return TakeResult{false, std::max<std::int64_t>(1, static_cast<std::int64_t>(wait))};
}

bool TokenBucket::FullAt(const BucketLimits& limits, std::int64_t now_millis) const {
  return TokensAt(limits, now_millis) >= limits.burst;
}

}  // namespace renkei::ratelimit
