#include "common/server/rate_limit_flags.h"

#include <string>
#include <utility>

#include "absl/flags/flag.h"
#include "common/auth/rate_limit.h"
#include "common/clock/clock.h"
#include "common/limits/leased_rate_limiter.h"
#include "common/limits/rate.h"
#include "common/limits/redis_rate_limiter.h"
#include "common/log/log.h"

ABSL_FLAG(gridcase::limits::Rate, rate_limit_caller,
          (gridcase::limits::Rate{.per_second = 20, .burst = 40}),
          "Calls a member of the public (a citizen, a channel's end user) may "
          "make to this service, e.g. 20/s,burst=40, shared by its replicas; "
          "0 disables.");
ABSL_FLAG(gridcase::limits::Rate, rate_limit_staff,
          (gridcase::limits::Rate{.per_second = 100, .burst = 1000}),
          "Calls each staff member (any role but citizen and system) may make "
          "to this service, shared by its replicas; the burst lets a tool "
          "load reference data at once; 0 disables.");
ABSL_FLAG(gridcase::limits::Rate, rate_limit_channel,
          (gridcase::limits::Rate{.per_second = 2000, .burst = 4000}),
          "Calls all end users of one channel backend (wechat, app, hotline, "
          "video) together may make to this service, shared by its replicas; "
          "0 disables.");

namespace gridcase::server {

std::unique_ptr<auth::Authenticator> RateLimitedFromFlags(
    std::unique_ptr<auth::Authenticator> authenticator,
    redis::RedisClient* redis, prometheus::Registry& metrics,
    absl::string_view service_name) {
  auth::RateLimits limits{.caller = absl::GetFlag(FLAGS_rate_limit_caller),
                          .staff = absl::GetFlag(FLAGS_rate_limit_staff),
                          .channel = absl::GetFlag(FLAGS_rate_limit_channel)};
  log::Info("rate limits", {{"caller", limits::FormatRate(limits.caller)},
                            {"staff", limits::FormatRate(limits.staff)},
                            {"channel", limits::FormatRate(limits.channel)}});
  if (!limits.any()) return authenticator;
  return std::make_unique<auth::RateLimitedAuthenticator>(
      std::move(authenticator),
      std::make_unique<limits::LeasedRateLimiter>(
          std::make_unique<limits::RedisRateLimiter>(redis,
                                                     std::string(service_name)),
          RealClock::Get()),
      limits, metrics);
}

}  // namespace gridcase::server
