// TokenBucket: one rate limit's state (RFC 6585 §4 leaves the policy to the server; this is
// the classic token bucket). A bucket holds up to `burst` tokens, gains `rate_per_second`
// tokens per second and spends one per request. It starts full, so a fresh or evicted bucket
// and an idle one that has refilled are the same thing (see BucketTable's eviction).
// Not thread-safe on its own: BucketTable guards each bucket with its shard's mutex.
#pragma once

#include <cstdint>

namespace renkei::ratelimit {

struct BucketLimits {
  double rate_per_second = 0;  // 0: no limit
  double burst = 1;            // tokens a bucket holds when full (at least 1)

  bool Enabled() const { return rate_per_second > 0; }
};

struct TakeResult {
  bool allowed = false;
  // When refused: milliseconds until the bucket holds one token again (> 0).
  std::int64_t retry_after_millis = 0;
};

class TokenBucket {
 public:
  TokenBucket(const BucketLimits& limits, std::int64_t now_millis)
      : tokens_(limits.burst), updated_millis_(now_millis) {}

  // Refills for the time since the last call, then spends one token if there is one.
  // A clock that goes backwards refills nothing (the bucket keeps its latest time).
  TakeResult Take(const BucketLimits& limits, std::int64_t now_millis);

  // Whether the bucket would be full at `now_millis`: forgetting it then loses nothing.
  bool FullAt(const BucketLimits& limits, std::int64_t now_millis) const;

 private:
  double TokensAt(const BucketLimits& limits, std::int64_t now_millis) const;

  double tokens_;
  std::int64_t updated_millis_;
};

}  // namespace renkei::ratelimit
