#include "common/limits/redis_rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/limits/scripts.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"
#include "common/store/script_call.h"

namespace gridcase::limits {

absl::StatusOr<RateDecision> RedisRateLimiter::Take(absl::string_view bucket,
                                                    const Rate& rate,
                                                    int64_t count) {
  double interval_us = 1e6 / rate.per_second;
  // GCRA (rate_limit_charge.lua).
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      store::ScriptCall(scripts::RateLimitCharge())
          .Key("bucket", store::RateKey(scope_, bucket))
          .Arg("now_us", clock_ == nullptr
                             ? std::string("redis")
                             : absl::StrCat(absl::ToUnixMicros(clock_->Now())))
          .Arg("interval_us", absl::StrFormat("%.3f", interval_us))
          .Int("burst", rate.burst)
          .Int("count", std::max<int64_t>(count, 1))
          .Run(*redis_));
  const std::vector<redis::Reply>& e = reply.elements();
  if (e.size() != 2 || e[0].type() != redis::Reply::Type::kInteger ||
      e[1].type() != redis::Reply::Type::kInteger) {
    return absl::InternalError(
        absl::StrCat("rate_limit_charge: bad reply ", reply.DebugString()));
  }
  RateDecision decision;
  decision.allowed = e[0].integer() == 1;
  decision.retry_after = absl::Microseconds(e[1].integer());
  return decision;
}

}  // namespace gridcase::limits
