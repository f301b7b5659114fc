#include "common/limits/redis_rate_limiter.h"

#include <cmath>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/redis/script.h"
#include "common/status/status_macros.h"
#include "common/store/keys.h"

namespace gridcase::limits {
namespace {

// GCRA. A bucket's state is its theoretical arrival time (TAT, µs): when
// it would be empty again at the configured rate. A call at `now` moves it
// to max(TAT, now) + interval, and is allowed if that is at most
// burst × interval ahead of now; a refused call changes nothing.
//
// KEYS: 1 the bucket.
// ARGV: 1 now µs, 2 interval µs (1 s / rate), 3 burst.
// Returns {1, 0} (allowed) or {0, µs until a call would be allowed}.
const redis::Script& ChargeScript() {
  static const auto* script = new redis::Script("rate_limit_charge", R"lua(
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local tolerance = interval * tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then tat = now end
local next_tat = tat + interval
local wait = next_tat - now - tolerance
if wait > 0 then return {0, math.ceil(wait)} end
redis.call('SET', KEYS[1], string.format('%.0f', next_tat),
           'PX', math.max(1, math.ceil((next_tat - now) / 1000)))
return {1, 0}
)lua");
  return *script;
}

}  // namespace

absl::StatusOr<RateDecision> RedisRateLimiter::Charge(absl::string_view bucket,
                                                      const Rate& rate) {
  double interval_us = 1e6 / rate.per_second;
  ASSIGN_OR_RETURN(
      redis::Reply reply,
      redis_->Eval(
          ChargeScript(), {store::RateKey(scope_, bucket)},
          {absl::StrCat(absl::ToUnixMicros(clock_->Now())),
           absl::StrFormat("%.3f", interval_us), absl::StrCat(rate.burst)}));
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
