#include "common/limits/leased_rate_limiter.h"

#include <memory>
#include <string>
#include <vector>

#include "common/clock/fake_clock.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::limits {
namespace {

using ::testing::ElementsAre;

// A shared bucket with `capacity` calls that do not refill, recording each
// Take's count.
class FakeSource final : public TokenSource {
 public:
  explicit FakeSource(int64_t capacity) : left_(capacity) {}
  absl::StatusOr<RateDecision> Take(absl::string_view bucket, const Rate& rate,
                                    int64_t count) override {
    takes.push_back(count);
    if (fail) return absl::UnavailableError("redis down");
    if (count > left_) {
      return RateDecision{.allowed = false,
                          .retry_after = absl::Milliseconds(100)};
    }
    left_ -= count;
    taken += count;
    return RateDecision{};
  }
  std::vector<int64_t> takes;
  int64_t taken = 0;
  bool fail = false;

 private:
  int64_t left_;
};

constexpr Rate kStaff{.per_second = 100, .burst = 1000};

class LeasedRateLimiterTest : public ::testing::Test {
 protected:
  LeasedRateLimiter Make(int64_t capacity) {
    auto source = std::make_unique<FakeSource>(capacity);
    source_ = source.get();
    return LeasedRateLimiter(std::move(source), &clock_);
  }

  int AllowedOf(LeasedRateLimiter& limiter, int n, const Rate& rate = kStaff) {
    int allowed = 0;
    for (int i = 0; i < n; ++i) {
      absl::StatusOr<RateDecision> d = limiter.Charge("caller:m-1", rate);
      EXPECT_OK(d.status());
      allowed += d.ok() && d->allowed;
    }
    return allowed;
  }

  FakeClock clock_{absl::FromUnixSeconds(1796000000)};
  FakeSource* source_ = nullptr;
};

TEST_F(LeasedRateLimiterTest, ABusyBucketTakesGrowingLeases) {
  LeasedRateLimiter limiter = Make(1000000);
  EXPECT_EQ(AllowedOf(limiter, 100), 100);
  // 1 + 2 + 4 + 8 + 16 + 32 + 50 (the largest lease: half of what 100/s
  // allows in a second) covers 113 calls.
  EXPECT_THAT(source_->takes, ElementsAre(1, 2, 4, 8, 16, 32, 50));
  EXPECT_EQ(limiter.MaxLease(kStaff), 50);
}

TEST_F(LeasedRateLimiterTest, NeverAllowsMoreThanTheSharedBucketGave) {
  LeasedRateLimiter limiter = Make(37);
  EXPECT_EQ(AllowedOf(limiter, 100), 37);
  EXPECT_EQ(source_->taken, 37);
}

TEST_F(LeasedRateLimiterTest, ALeaseThatDoesNotFitAsksForOneCall) {
  LeasedRateLimiter limiter = Make(5);
  EXPECT_EQ(AllowedOf(limiter, 3), 3);  // leases 1, 2
  absl::StatusOr<RateDecision> d = limiter.Charge("caller:m-1", kStaff);
  ASSERT_OK(d.status());
  EXPECT_TRUE(d->allowed);  // a lease of 4 did not fit; 1 did
  EXPECT_THAT(source_->takes, ElementsAre(1, 2, 4, 1));
  EXPECT_EQ(AllowedOf(limiter, 1), 1);
  d = limiter.Charge("caller:m-1", kStaff);
  ASSERT_OK(d.status());
  EXPECT_FALSE(d->allowed);
  EXPECT_EQ(d->retry_after, absl::Milliseconds(100));
}

TEST_F(LeasedRateLimiterTest, AnExpiredLeaseIsNotSpentAndStartsAgainAtOne) {
  LeasedRateLimiter limiter = Make(1000000);
  EXPECT_EQ(AllowedOf(limiter, 4), 4);  // leases 1, 2, 4: 3 calls left
  clock_.Advance(absl::Seconds(1));
  EXPECT_EQ(AllowedOf(limiter, 1), 1);
  EXPECT_THAT(source_->takes, ElementsAre(1, 2, 4, 1));
}

TEST_F(LeasedRateLimiterTest, AnOccasionalCallerTakesOneCallAtATime) {
  LeasedRateLimiter limiter = Make(1000000);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(AllowedOf(limiter, 1), 1);
    clock_.Advance(absl::Seconds(2));
  }
  EXPECT_THAT(source_->takes, ElementsAre(1, 1, 1, 1, 1));
}

TEST_F(LeasedRateLimiterTest, SmallBurstsLeaseOneCallAtATime) {
  LeasedRateLimiter limiter = Make(1000000);
  const Rate one_per_second{.per_second = 1, .burst = 2};
  EXPECT_EQ(limiter.MaxLease(one_per_second), 1);
  EXPECT_EQ(AllowedOf(limiter, 3, one_per_second), 3);
  EXPECT_THAT(source_->takes, ElementsAre(1, 1, 1));
}

TEST_F(LeasedRateLimiterTest, BucketsAreLeasedApart) {
  LeasedRateLimiter limiter = Make(1000000);
  EXPECT_EQ(AllowedOf(limiter, 3), 3);  // caller:m-1: leases 1, 2
  ASSERT_OK(limiter.Charge("caller:m-2", kStaff).status());
  EXPECT_THAT(source_->takes, ElementsAre(1, 2, 1));
}

TEST_F(LeasedRateLimiterTest, SourceErrorsPassThrough) {
  LeasedRateLimiter limiter = Make(1000000);
  source_->fail = true;
  EXPECT_FALSE(limiter.Charge("caller:m-1", kStaff).ok());
}

}  // namespace
}  // namespace gridcase::limits
