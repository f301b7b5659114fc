// RateLimiter: charges calls against named buckets ("caller:wx:o6_1",
// "channel:wechat") at a Rate, with the state shared by every replica of a
// service (RedisRateLimiter). RateLimitedAuthenticator
// (common/auth/rate_limit.h) is its user.
#ifndef GRIDCASE_COMMON_LIMITS_RATE_LIMITER_H_
#define GRIDCASE_COMMON_LIMITS_RATE_LIMITER_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "common/limits/rate.h"

namespace gridcase::limits {

struct RateDecision {
  bool allowed = true;
  // When refused: how long until one more call would be allowed.
  absl::Duration retry_after = absl::ZeroDuration();
};

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // Charges one call to `bucket` at `rate` (enabled): allowed and counted,
  // or refused and not counted. Fails when the shared state cannot be read
  // or written (UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL); the caller
  // decides what that means (RateLimitedAuthenticator serves the call).
  virtual absl::StatusOr<RateDecision> Charge(absl::string_view bucket,
                                              const Rate& rate) = 0;
};

// A shared bucket that can hand out several calls' worth at once (all or
// nothing): what LeasedRateLimiter draws its leases from.
class TokenSource {
 public:
  virtual ~TokenSource() = default;
  // Charges `count` calls (>= 1) to `bucket` at once if all of them fit;
  // otherwise charges nothing and says when one call would fit.
  virtual absl::StatusOr<RateDecision> Take(absl::string_view bucket,
                                            const Rate& rate,
                                            int64_t count) = 0;
};

}  // namespace gridcase::limits

#endif  // GRIDCASE_COMMON_LIMITS_RATE_LIMITER_H_
