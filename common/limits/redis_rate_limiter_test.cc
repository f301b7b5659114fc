// The GCRA script against a real redis-server, with a FakeClock: time
// passes only when the test moves it.
#include "common/limits/redis_rate_limiter.h"

#include <memory>
#include <string>
#include <thread>

#include "common/clock/clock.h"
#include "common/clock/fake_clock.h"
#include "common/redis/redis_pool.h"
#include "common/status/status_matchers.h"
#include "common/store/keys.h"
#include "common/testing/redis_server.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::limits {
namespace {

using ::gridcase::testing::RedisServer;

constexpr Rate kFivePerSecond{.per_second = 5, .burst = 5};  // 200 ms each

class RedisRateLimiterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(server_, RedisServer::Start());
    ASSERT_OK_AND_ASSIGN(
        pool_, redis::RedisPool::Create({.address = server_->address()}));
  }

  // Charges `bucket` once; a failed check fails the test.
  RateDecision Charge(RateLimiter& limiter, const std::string& bucket,
                      const Rate& rate = kFivePerSecond) {
    absl::StatusOr<RateDecision> d = limiter.Charge(bucket, rate);
    EXPECT_OK(d.status());
    return d.value_or(RateDecision{});
  }

  // How many of `n` charges at the current instant are allowed.
  int AllowedOf(RateLimiter& limiter, const std::string& bucket, int n,
                const Rate& rate = kFivePerSecond) {
    int allowed = 0;
    for (int i = 0; i < n; ++i)
      allowed += Charge(limiter, bucket, rate).allowed;
    return allowed;
  }

  std::unique_ptr<RedisServer> server_;
  std::unique_ptr<redis::RedisPool> pool_;
  FakeClock clock_{absl::FromUnixSeconds(1796000000)};
};

// Replicas charge at Redis' clock, when the script runs. A call that waited
// for a pooled connection (here: the pool's only connection is busy for
// 1.5 s) while another replica charged the bucket 4 times of its 5 is
// allowed: the bucket has room. With the caller's clock, read when it
// started waiting, it was charged 1.4 s in the past, behind the other
// replica's calls by more than the burst's 1 s, and refused.
TEST_F(RedisRateLimiterTest, ACallThatWaitedForAConnectionIsChargedWhenItRuns) {
  ASSERT_OK_AND_ASSIGN(
      auto one_connection,
      redis::RedisPool::Create({.address = server_->address(),
                                .max_connections = 1,
                                .command_timeout = absl::Seconds(10)}));
  RedisRateLimiter waiting(one_connection.get(), "intake");
  RedisRateLimiter other_replica(pool_.get(), "intake");
  std::thread busy([&] {
    EXPECT_OK(one_connection->Command({"BLPOP", "nothing", "1.5"}).status());
  });
  absl::SleepFor(absl::Milliseconds(100));
  absl::StatusOr<RateDecision> decision;
  std::thread caller(
      [&] { decision = waiting.Charge("caller:wx:a", kFivePerSecond); });
  absl::SleepFor(absl::Milliseconds(1100));
  EXPECT_EQ(AllowedOf(other_replica, "caller:wx:a", 4), 4);
  busy.join();
  caller.join();
  ASSERT_OK(decision.status());
  EXPECT_TRUE(decision->allowed);
}

// A lease (LeasedRateLimiter): several calls at once, or none.
TEST_F(RedisRateLimiterTest, TakesSeveralCallsAtOnceOrNone) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  auto take = [&](int64_t n) {
    absl::StatusOr<RateDecision> d =
        limiter.Take("channel:wechat", kFivePerSecond, n);
    EXPECT_OK(d.status());
    return d.ok() && d->allowed;
  };
  EXPECT_TRUE(take(3));
  EXPECT_FALSE(take(3));
  EXPECT_TRUE(take(2));
  EXPECT_FALSE(take(1));
  clock_.Advance(absl::Milliseconds(400));
  EXPECT_TRUE(take(2));
}

TEST_F(RedisRateLimiterTest, ChargesAtRedisClockByDefault) {
  RedisRateLimiter limiter(pool_.get(), "intake");
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 6), 5);
}

TEST_F(RedisRateLimiterTest, AllowsTheBurstThenOneCallPerInterval) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 5), 5);
  RateDecision refused = Charge(limiter, "caller:wx:a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(200));

  clock_.Advance(absl::Milliseconds(150));
  refused = Charge(limiter, "caller:wx:a");
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, absl::Milliseconds(50));

  clock_.Advance(absl::Milliseconds(50));
  EXPECT_TRUE(Charge(limiter, "caller:wx:a").allowed);
  EXPECT_FALSE(Charge(limiter, "caller:wx:a").allowed);

  // A second later, five more intervals have passed: five more calls.
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 8), 5);
}

TEST_F(RedisRateLimiterTest, RefusedCallsDoNotCount) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 100), 5);
  // 95 refusals cost nothing: one interval later, one call goes through.
  clock_.Advance(absl::Milliseconds(200));
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 3), 1);
}

TEST_F(RedisRateLimiterTest, AnIdleBucketRefillsOnlyToItsBurst) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 1), 1);
  clock_.Advance(absl::Hours(1));
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 20), 5);
}

TEST_F(RedisRateLimiterTest, BucketsAndScopesAreIndependent) {
  RedisRateLimiter intake(pool_.get(), &clock_, "intake");
  RedisRateLimiter dispatch(pool_.get(), &clock_, "dispatch");
  EXPECT_EQ(AllowedOf(intake, "caller:wx:a", 10), 5);
  EXPECT_EQ(AllowedOf(intake, "caller:wx:b", 10), 5);
  EXPECT_EQ(AllowedOf(intake, "channel:wechat", 10), 5);
  EXPECT_EQ(AllowedOf(dispatch, "caller:wx:a", 10), 5);
}

TEST_F(RedisRateLimiterTest, ReplicasShareOneBucket) {
  // Two replicas of a service: two limiters, one Redis.
  RedisRateLimiter replica_a(pool_.get(), &clock_, "intake");
  RedisRateLimiter replica_b(pool_.get(), &clock_, "intake");
  int allowed = 0;
  for (int i = 0; i < 10; ++i) {
    allowed += Charge(i % 2 ? replica_a : replica_b, "caller:wx:a").allowed;
  }
  EXPECT_EQ(allowed, 5);
}

TEST_F(RedisRateLimiterTest, SlowRatesAndLargeBursts) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  Rate slow{.per_second = 0.1, .burst = 3};  // one call per 10 s
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 5, slow), 3);
  EXPECT_EQ(Charge(limiter, "caller:wx:a", slow).retry_after,
            absl::Seconds(10));
  // The bucket's key expires in Redis' real time once it would be full
  // again, while this test's clock stands still: at 2000 calls/s the first
  // calls left a key of 0.5 ms, which a slow round trip (a loaded machine, a
  // sanitizer build) outlived, and the burst started over. At 2/s every key
  // lives at least 500 ms.
  Rate large{.per_second = 2, .burst = 4000};
  EXPECT_EQ(AllowedOf(limiter, "channel:wechat", 4001, large), 4000);
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(AllowedOf(limiter, "channel:wechat", 5, large), 2);
}

TEST_F(RedisRateLimiterTest, TheKeyExpiresWhenTheBucketIsFullAgain) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  EXPECT_EQ(AllowedOf(limiter, "caller:wx:a", 3), 3);  // 600 ms of credit used
  ASSERT_OK_AND_ASSIGN(
      redis::Reply ttl,
      pool_->Command({"PTTL", store::RateKey("intake", "caller:wx:a")}));
  EXPECT_GT(ttl.integer(), 0);
  EXPECT_LE(ttl.integer(), 600);
}

TEST_F(RedisRateLimiterTest, FailsWhenRedisCannotAnswer) {
  RedisRateLimiter limiter(pool_.get(), &clock_, "intake");
  ASSERT_OK(server_->Stop());
  EXPECT_FALSE(limiter.Charge("caller:wx:a", kFivePerSecond).ok());
}

}  // namespace
}  // namespace gridcase::limits
