#include "ratelimit/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace renkei::ratelimit {
namespace {

base::Timestamp At(std::int64_t millis) { return base::Timestamp{millis}; }

TEST(RateLimiter, OffByDefaultAdmitsEverything) {
  RateLimiter limiter(RateLimitSettings{});
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(limiter.Admit("t", "c", At(0)));
  EXPECT_EQ(limiter.ClientBuckets(), 0u);
}

TEST(RateLimiter, ClientLimitIsPerClientAndPerTenant) {
  RateLimitSettings settings;
  settings.defaults.client = BucketLimits{1.0, 2.0};
  RateLimiter limiter(settings);
  EXPECT_FALSE(limiter.Admit("t", "a", At(0)));
  EXPECT_FALSE(limiter.Admit("t", "a", At(0)));
  const auto refused = limiter.Admit("t", "a", At(0));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->scope, LimitScope::kClient);
  EXPECT_EQ(refused->retry_after_seconds, 1);
  EXPECT_FALSE(limiter.Admit("t", "b", At(0)));     // another client
  EXPECT_FALSE(limiter.Admit("u", "a", At(0)));     // the same client at another tenant
  EXPECT_FALSE(limiter.Admit("t", "a", At(1000)));  // refilled
}

TEST(RateLimiter, TenantOverridesAndTenantScope) {
  RateLimitSettings settings;
  settings.tenants["busy"].tenant = BucketLimits{0.5, 2.0};
  std::vector<std::pair<std::string, LimitScope>> refusals;
  RateLimiter limiter(settings, [&refusals](const std::string& tenant, LimitScope scope) {
    refusals.emplace_back(tenant, scope);
  });
  EXPECT_FALSE(limiter.Admit("busy", "a", At(0)));
  EXPECT_FALSE(limiter.Admit("busy", "b", At(0)));
  const auto refused = limiter.Admit("busy", "c", At(0));
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->scope, LimitScope::kTenant);
  EXPECT_EQ(refused->retry_after_seconds, 2);  // one token at 0.5 per second
  for (int i = 0; i < 100; ++i) EXPECT_FALSE(limiter.Admit("quiet", "a", At(0)));
  ASSERT_EQ(refusals.size(), 1u);
  EXPECT_EQ(refusals[0].first, "busy");
  EXPECT_EQ(refusals[0].second, LimitScope::kTenant);
}

TEST(RateLimiter, ClientRefusedByItsLimitDoesNotDrainTheTenant) {
  RateLimitSettings settings;
  settings.defaults.client = BucketLimits{1.0, 1.0};
  settings.defaults.tenant = BucketLimits{1.0, 2.0};
  RateLimiter limiter(settings);
  EXPECT_FALSE(limiter.Admit("t", "noisy", At(0)));
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(limiter.Admit("t", "noisy", At(0)));
  EXPECT_FALSE(limiter.Admit("t", "quiet", At(0)));
}

TEST(RateLimiter, ClientBucketsStayWithinTheBound) {
  RateLimitSettings settings;
  settings.defaults.client = BucketLimits{1.0, 5.0};
  settings.max_client_buckets = 64;
  RateLimiter limiter(settings);
  // 10,000 distinct clients in the same millisecond: none idle, least recently used evicted.
  for (int i = 0; i < 10000; ++i) limiter.Admit("t", "client-" + std::to_string(i), At(0));
  EXPECT_LE(limiter.ClientBuckets(), 64u);
  // Later, idle (refilled) buckets make room first.
  for (int i = 0; i < 10000; ++i) limiter.Admit("t", "late-" + std::to_string(i), At(60'000));
  EXPECT_LE(limiter.ClientBuckets(), 64u);
}

TEST(RateLimiter, ConcurrentClientsSpendExactlyTheBurst) {
  RateLimitSettings settings;
  settings.defaults.tenant = BucketLimits{1.0, 1000.0};
  RateLimiter limiter(settings);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&limiter, &admitted, t] {
      for (int i = 0; i < 500; ++i) {
        if (!limiter.Admit("t", "c" + std::to_string(t), At(0))) admitted.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(admitted.load(), 1000);
}

}  // namespace
}  // namespace renkei::ratelimit
