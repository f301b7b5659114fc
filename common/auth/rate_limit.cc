#include "common/auth/rate_limit.h"

#include <algorithm>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/auth/channels.h"
#include "common/auth/roles.h"
#include "common/log/log.h"
#include "common/status/retry_delay.h"

namespace gridcase::auth {
namespace {

constexpr absl::Duration kErrorLogInterval = absl::Seconds(10);

}  // namespace

RateLimitedAuthenticator::RateLimitedAuthenticator(
    std::unique_ptr<Authenticator> inner,
    std::unique_ptr<limits::RateLimiter> limiter, RateLimits limits,
    prometheus::Registry& metrics)
    : inner_(std::move(inner)),
      limiter_(std::move(limiter)),
      limits_(limits),
      metrics_(metrics) {}

absl::StatusOr<v1::Actor> RateLimitedAuthenticator::Authenticate(
    const Metadata& metadata) const {
  absl::StatusOr<v1::Actor> actor = inner_->Authenticate(metadata);
  if (!actor.ok() || HasRole(*actor, v1::ROLE_SYSTEM)) return actor;
  const limits::Rate& own = IsPublic(*actor) ? limits_.caller : limits_.staff;
  if (absl::Status s = Charge(absl::StrCat("caller:", actor->subject()), own,
                              limits::LimitKind::kCaller,
                              absl::StrCat("caller ", actor->subject()));
      !s.ok()) {
    return s;
  }
  if (actor->channel() != v1::SOURCE_UNSPECIFIED) {
    const Channel* channel = FindChannelBySource(actor->channel());
    std::string name = channel != nullptr
                           ? std::string(channel->name)
                           : absl::StrCat(static_cast<int>(actor->channel()));
    if (absl::Status s =
            Charge(absl::StrCat("channel:", name), limits_.channel,
                   limits::LimitKind::kChannel, absl::StrCat("channel ", name));
        !s.ok()) {
      return s;
    }
  }
  return actor;
}

absl::Status RateLimitedAuthenticator::Charge(absl::string_view bucket,
                                              const limits::Rate& rate,
                                              limits::LimitKind kind,
                                              absl::string_view who) const {
  if (!rate.enabled()) return absl::OkStatus();
  absl::StatusOr<limits::RateDecision> decision =
      limiter_->Charge(bucket, rate);
  if (!decision.ok()) {
    metrics_.CheckFailed();
    absl::Time now = absl::Now();
    absl::MutexLock lock(&log_mu_);
    if (now - last_error_log_ >= kErrorLogInterval) {
      last_error_log_ = now;
      log::Warn("rate limit not checked; serving the call",
                {{"bucket_kind",
                  kind == limits::LimitKind::kChannel ? "channel" : "caller"},
                 {"error", decision.status().ToString()}});
    }
    return absl::OkStatus();
  }
  if (decision->allowed) return absl::OkStatus();
  metrics_.Refused(kind);
  int64_t ms = absl::ToInt64Milliseconds(
      absl::Ceil(decision->retry_after, absl::Milliseconds(1)));
  return WithRetryDelay(absl::ResourceExhaustedError(absl::StrFormat(
                            "rate limit: %s over %g calls/s; retry after %d ms",
                            who, rate.per_second, std::max<int64_t>(1, ms))),
                        decision->retry_after);
}

}  // namespace gridcase::auth
