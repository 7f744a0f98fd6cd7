#include "notify/backoff.hpp"

#include <gtest/gtest.h>

namespace renkei::notify {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesUpToTheCapAndGivesUpAtMaxAttempts) {
  RetryPolicy p{milliseconds(100), milliseconds(1000), 5};
  EXPECT_EQ(RetryDelay(p, 1), milliseconds(100));
  EXPECT_EQ(RetryDelay(p, 2), milliseconds(200));
  EXPECT_EQ(RetryDelay(p, 4), milliseconds(800));
  EXPECT_EQ(RetryDelay(p, 5), milliseconds(1000));
  EXPECT_EQ(RetryDelay(p, 1000), milliseconds(1000)) << "no overflow for many attempts";
  EXPECT_FALSE(GiveUp(p, 4));
  EXPECT_TRUE(GiveUp(p, 5));
  p.max_attempts = 0;
  EXPECT_FALSE(GiveUp(p, 1'000'000)) << "0 retries forever";
}

}  // namespace
}  // namespace renkei::notify
