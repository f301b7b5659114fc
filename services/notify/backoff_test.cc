#include "services/notify/backoff.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace gridcase::notify {
namespace {

TEST(Classify,
     TwoHundredsAreSentServerErrorsAndTimeoutsRetriedOtherFourHundredsDead) {
  EXPECT_EQ(Classify({.status = 200}), Outcome::kSent);
  EXPECT_EQ(Classify({.status = 204}), Outcome::kSent);
  EXPECT_EQ(Classify({.status = 500}), Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 503}), Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 408}), Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 429}), Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 0, .error = "x", .timed_out = true}),
            Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 0, .error = "refused"}), Outcome::kRetry);
  EXPECT_EQ(Classify({.status = 400}), Outcome::kDead);
  EXPECT_EQ(Classify({.status = 401}), Outcome::kDead);
  EXPECT_EQ(Classify({.status = 404}), Outcome::kDead);
  EXPECT_EQ(Classify({.status = 302}), Outcome::kDead);
}

TEST(RetryDelay, DoublesFromTheBaseUpToTheCap) {
  BackoffOptions o{
      .base = absl::Seconds(2), .cap = absl::Seconds(30), .jitter = 0};
  EXPECT_EQ(RetryDelay(o, 1, 0.5), absl::Seconds(2));
  EXPECT_EQ(RetryDelay(o, 2, 0.5), absl::Seconds(4));
  EXPECT_EQ(RetryDelay(o, 3, 0.5), absl::Seconds(8));
  EXPECT_EQ(RetryDelay(o, 4, 0.5), absl::Seconds(16));
  EXPECT_EQ(RetryDelay(o, 5, 0.5), absl::Seconds(30));
  EXPECT_EQ(RetryDelay(o, 60, 0.5), absl::Seconds(30));
}

TEST(RetryDelay, JitterShortensByAtMostItsShare) {
  BackoffOptions o{
      .base = absl::Seconds(10), .cap = absl::Minutes(10), .jitter = 0.2};
  EXPECT_EQ(RetryDelay(o, 1, 0.0), absl::Seconds(10));
  EXPECT_EQ(RetryDelay(o, 1, 0.5), absl::Seconds(9));
  EXPECT_GT(RetryDelay(o, 1, 0.999999), absl::Seconds(8));
}

TEST(AfterAttempt, ARetryAtTheLimitIsDead) {
  BackoffOptions o{.max_attempts = 3};
  EXPECT_EQ(AfterAttempt(o, 1, Outcome::kRetry), Outcome::kRetry);
  EXPECT_EQ(AfterAttempt(o, 2, Outcome::kRetry), Outcome::kRetry);
  EXPECT_EQ(AfterAttempt(o, 3, Outcome::kRetry), Outcome::kDead);
  EXPECT_EQ(AfterAttempt(o, 3, Outcome::kSent), Outcome::kSent);
  EXPECT_EQ(AfterAttempt(o, 1, Outcome::kDead), Outcome::kDead);
}

TEST(Describe, SaysTheStatusOrWhyNoneCame) {
  EXPECT_EQ(Describe({.status = 500}), "HTTP 500");
  EXPECT_EQ(Describe({.error = "took too long", .timed_out = true}),
            "timeout: took too long");
  EXPECT_EQ(Describe({.error = "refused"}), "connection: refused");
}

}  // namespace
}  // namespace gridcase::notify
