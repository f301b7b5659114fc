#include "common/auth/rate_limit.h"

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/status/retry_delay.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "prometheus/registry.h"

namespace gridcase::auth {
namespace {

using ::gridcase::testing::IsOk;
using ::gridcase::testing::StatusIs;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;

// Answers with whatever actor the test set.
class FixedAuthenticator final : public Authenticator {
 public:
  absl::StatusOr<v1::Actor> Authenticate(const Metadata&) const override {
    return answer;
  }
  absl::StatusOr<v1::Actor> answer = absl::UnauthenticatedError("no token");
};

// Records every charge; refuses the buckets in `refuse`, fails all when
// `fail` is set.
class FakeLimiter final : public limits::RateLimiter {
 public:
  absl::StatusOr<limits::RateDecision> Charge(
      absl::string_view bucket, const limits::Rate& rate) override {
    charges.emplace_back(std::string(bucket), rate.per_second);
    if (!fail.ok()) return fail;
    auto it = refuse.find(std::string(bucket));
    if (it == refuse.end()) return limits::RateDecision{};
    return limits::RateDecision{.allowed = false, .retry_after = it->second};
  }
  std::vector<std::pair<std::string, double>> charges;
  std::map<std::string, absl::Duration> refuse;
  absl::Status fail = absl::OkStatus();
};

v1::Actor Person(const std::string& subject, std::vector<v1::Role> roles) {
  v1::Actor a;
  a.set_subject(subject);
  for (v1::Role r : roles) a.add_roles(r);
  return a;
}

v1::Actor WeChatUser(const std::string& subject) {
  v1::Actor a = Person(subject, {v1::ROLE_CITIZEN});
  a.set_channel(v1::SOURCE_WECHAT);
  a.set_via("svc:wechat-backend");
  return a;
}

class RateLimitedAuthenticatorTest : public ::testing::Test {
 protected:
  RateLimitedAuthenticatorTest() {
    auto inner = std::make_unique<FixedAuthenticator>();
    inner_ = inner.get();
    auto limiter = std::make_unique<FakeLimiter>();
    limiter_ = limiter.get();
    authenticator_ = std::make_unique<RateLimitedAuthenticator>(
        std::move(inner), std::move(limiter),
        RateLimits{.caller = {.per_second = 20, .burst = 40},
                   .staff = {.per_second = 200, .burst = 400},
                   .channel = {.per_second = 2000, .burst = 4000}},
        registry_);
  }

  absl::StatusOr<v1::Actor> Call(absl::StatusOr<v1::Actor> as) {
    inner_->answer = std::move(as);
    return authenticator_->Authenticate(Metadata{});
  }

  const limits::LimitMetrics& metrics() const {
    return authenticator_->metrics();
  }

  prometheus::Registry registry_;
  FixedAuthenticator* inner_;
  FakeLimiter* limiter_;
  std::unique_ptr<RateLimitedAuthenticator> authenticator_;
};

TEST_F(RateLimitedAuthenticatorTest, ChargesACitizenAtTheCallerRate) {
  ASSERT_OK_AND_ASSIGN(v1::Actor actor,
                       Call(Person("wx-1", {v1::ROLE_CITIZEN})));
  EXPECT_EQ(actor.subject(), "wx-1");
  EXPECT_THAT(limiter_->charges, ElementsAre(Pair("caller:wx-1", 20)));
}

TEST_F(RateLimitedAuthenticatorTest, ChargesStaffAtTheStaffRate) {
  EXPECT_THAT(Call(Person("dsp-1", {v1::ROLE_DISPATCHER})), IsOk());
  // A citizen who is also staff is staff.
  EXPECT_THAT(Call(Person("gm-1", {v1::ROLE_CITIZEN, v1::ROLE_GRID_MANAGER})),
              IsOk());
  EXPECT_THAT(limiter_->charges,
              ElementsAre(Pair("caller:dsp-1", 200), Pair("caller:gm-1", 200)));
}

TEST_F(RateLimitedAuthenticatorTest, NeverLimitsGridcaseServices) {
  EXPECT_THAT(Call(Person("system:dispatch", {v1::ROLE_SYSTEM})), IsOk());
  EXPECT_THAT(limiter_->charges, IsEmpty());
}

TEST_F(RateLimitedAuthenticatorTest, ChargesAChannelUserAndTheChannel) {
  EXPECT_THAT(Call(WeChatUser("wx:o6_1")), IsOk());
  EXPECT_THAT(limiter_->charges, ElementsAre(Pair("caller:wx:o6_1", 20),
                                             Pair("channel:wechat", 2000)));
}

TEST_F(RateLimitedAuthenticatorTest, RefusesACallerOverItsLimit) {
  limiter_->refuse["caller:wx:o6_1"] = absl::Microseconds(49100);
  absl::StatusOr<v1::Actor> refused = Call(WeChatUser("wx:o6_1"));
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "rate limit: caller wx:o6_1 over 20 calls/s; retry "
                       "after 50 ms"));
  EXPECT_EQ(RetryDelayMillis(refused.status()), 50);
  // Refused as a caller: the channel is not charged.
  EXPECT_THAT(limiter_->charges, ElementsAre(Pair("caller:wx:o6_1", 20)));
  EXPECT_EQ(metrics().refused(limits::LimitKind::kCaller).Value(), 1);
  EXPECT_EQ(metrics().refused(limits::LimitKind::kChannel).Value(), 0);
}

TEST_F(RateLimitedAuthenticatorTest, RefusesAChannelOverItsLimit) {
  limiter_->refuse["channel:wechat"] = absl::Milliseconds(3);
  absl::StatusOr<v1::Actor> refused = Call(WeChatUser("wx:o6_2"));
  EXPECT_THAT(refused,
              StatusIs(absl::StatusCode::kResourceExhausted,
                       "rate limit: channel wechat over 2000 calls/s; retry "
                       "after 3 ms"));
  EXPECT_EQ(RetryDelayMillis(refused.status()), 3);
  EXPECT_EQ(metrics().refused(limits::LimitKind::kChannel).Value(), 1);
  // Other channels and callers outside any channel go on.
  v1::Actor app = WeChatUser("app:u-1");
  app.set_channel(v1::SOURCE_CITIZEN_APP);
  EXPECT_THAT(Call(app), IsOk());
  EXPECT_THAT(Call(Person("wx-1", {v1::ROLE_CITIZEN})), IsOk());
}

TEST_F(RateLimitedAuthenticatorTest, ServesTheCallWhenTheLimiterFails) {
  limiter_->fail = absl::UnavailableError("redis: connection refused");
  EXPECT_THAT(Call(WeChatUser("wx:o6_1")), IsOk());
  EXPECT_THAT(Call(Person("dsp-1", {v1::ROLE_DISPATCHER})), IsOk());
  // Caller and channel checks both failed for the first call.
  EXPECT_EQ(metrics().check_errors().Value(), 3);
  EXPECT_EQ(metrics().refused(limits::LimitKind::kCaller).Value(), 0);
}

TEST_F(RateLimitedAuthenticatorTest, PassesAuthenticationErrorsWithoutCharge) {
  EXPECT_THAT(
      Call(absl::UnauthenticatedError("authorization: missing")),
      StatusIs(absl::StatusCode::kUnauthenticated, "authorization: missing"));
  EXPECT_THAT(limiter_->charges, IsEmpty());
}

TEST(RateLimitedAuthenticator, SkipsLimitsThatAreOff) {
  auto inner = std::make_unique<FixedAuthenticator>();
  inner->answer = WeChatUser("wx:o6_1");
  auto limiter = std::make_unique<FakeLimiter>();
  FakeLimiter* charges = limiter.get();
  prometheus::Registry registry;
  RateLimitedAuthenticator authenticator(
      std::move(inner), std::move(limiter),
      RateLimits{.channel = {.per_second = 5, .burst = 5}}, registry);
  EXPECT_THAT(authenticator.Authenticate(Metadata{}), IsOk());
  EXPECT_THAT(charges->charges, ElementsAre(Pair("channel:wechat", 5)));
}

}  // namespace
}  // namespace gridcase::auth
