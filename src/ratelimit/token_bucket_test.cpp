#include "ratelimit/token_bucket.hpp"

#include <gtest/gtest.h>

namespace renkei::ratelimit {
namespace {

constexpr BucketLimits kTwoPerSecondBurstThree{2.0, 3.0};

TEST(TokenBucket, StartsFullAndSpendsOneTokenPerRequest) {
  TokenBucket bucket(kTwoPerSecondBurstThree, 0);
  EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 0).allowed);
  EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 0).allowed);
  EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 0).allowed);
  const TakeResult refused = bucket.Take(kTwoPerSecondBurstThree, 0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_millis, 500);  // one token at 2 per second
}

TEST(TokenBucket, RefillsAtItsRateUpToTheBurst) {
  TokenBucket bucket(kTwoPerSecondBurstThree, 0);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 0).allowed);
  const TakeResult early = bucket.Take(kTwoPerSecondBurstThree, 200);
  EXPECT_FALSE(early.allowed);
  EXPECT_EQ(early.retry_after_millis, 300);  // 0.4 tokens held, 0.6 to go
  EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 500).allowed);
  EXPECT_FALSE(bucket.Take(kTwoPerSecondBurstThree, 500).allowed);
  // An hour idle refills to the burst, not beyond.
  EXPECT_TRUE(bucket.FullAt(kTwoPerSecondBurstThree, 3'600'000));
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 3'600'000).allowed);
  EXPECT_FALSE(bucket.Take(kTwoPerSecondBurstThree, 3'600'000).allowed);
}

TEST(TokenBucket, ClockGoingBackwardsRefillsNothing) {
  TokenBucket bucket(kTwoPerSecondBurstThree, 10'000);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 10'000).allowed);
  EXPECT_FALSE(bucket.Take(kTwoPerSecondBurstThree, 5'000).allowed);
  EXPECT_FALSE(bucket.Take(kTwoPerSecondBurstThree, 10'100).allowed);
  EXPECT_TRUE(bucket.Take(kTwoPerSecondBurstThree, 10'500).allowed);
}

TEST(TokenBucket, SlowRatesAskForLongWaits) {
  const BucketLimits one_per_minute{1.0 / 60.0, 1.0};
  TokenBucket bucket(one_per_minute, 0);
  ASSERT_TRUE(bucket.Take(one_per_minute, 0).allowed);
  const TakeResult refused = bucket.Take(one_per_minute, 0);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after_millis, 60'000);
  EXPECT_FALSE(bucket.FullAt(one_per_minute, 59'000));
  EXPECT_TRUE(bucket.FullAt(one_per_minute, 60'000));
}

}  // namespace
}  // namespace renkei::ratelimit
