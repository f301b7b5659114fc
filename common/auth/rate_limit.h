// RateLimitedAuthenticator: an Authenticator that also charges each
// authenticated call to the caller's rate limit, so that every RPC, which
// identifies its caller through ServeAs → ActorFromContext, is limited in
// one place. It authenticates with the Authenticator it wraps, then charges
// (RateLimiter, shared by the service's replicas):
//
//   caller:<subject>   at `caller` for the public (callers whose only role
//                      is CITIZEN, channel end users included), at `staff`
//                      for everyone else;
//   channel:<name>     at `channel`, all end users of one channel backend
//                      (wechat, app, hotline, video) together.
//
// gridcase services (role SYSTEM) are never limited. Over a limit the call
// is RESOURCE_EXHAUSTED, "rate limit: caller wx:o6_1 over 20 calls/s; retry
// after 50 ms", with that delay attached for the grpc-retry-pushback-ms
// trailer (common/status/retry_delay.h). A limiter that cannot answer
// (Redis down) lets the call through: it is counted
// (gridcase_rate_limit_errors_total) and logged, at most every 10 s.
#ifndef GRIDCASE_COMMON_AUTH_RATE_LIMIT_H_
#define GRIDCASE_COMMON_AUTH_RATE_LIMIT_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/auth/authenticator.h"
#include "common/limits/limit_metrics.h"
#include "common/limits/rate.h"
#include "common/limits/rate_limiter.h"
#include "gridcase/v1/common.pb.h"
#include "prometheus/registry.h"

namespace gridcase::auth {

struct RateLimits {
  limits::Rate caller;   // the public: citizens and channel end users
  limits::Rate staff;    // every other caller but SYSTEM
  limits::Rate channel;  // each channel's end users together

  bool any() const {
    return caller.enabled() || staff.enabled() || channel.enabled();
  }
};

class RateLimitedAuthenticator final : public Authenticator {
 public:
  RateLimitedAuthenticator(std::unique_ptr<Authenticator> inner,
                           std::unique_ptr<limits::RateLimiter> limiter,
                           RateLimits limits, prometheus::Registry& metrics);

  // The inner Authenticator's answer, or RESOURCE_EXHAUSTED as above.
  absl::StatusOr<v1::Actor> Authenticate(
      const Metadata& metadata) const override;

  const limits::LimitMetrics& metrics() const { return metrics_; }

 private:
  // OK, or RESOURCE_EXHAUSTED with a retry delay. A limiter error is
  // counted and logged, and lets the call through.
  absl::Status Charge(absl::string_view bucket, const limits::Rate& rate,
                      limits::LimitKind kind, absl::string_view who) const;

  const std::unique_ptr<Authenticator> inner_;
  const std::unique_ptr<limits::RateLimiter> limiter_;
  const RateLimits limits_;
  const limits::LimitMetrics metrics_;
  mutable absl::Mutex log_mu_;
  mutable absl::Time last_error_log_ ABSL_GUARDED_BY(log_mu_) =
      absl::InfinitePast();
};

}  // namespace gridcase::auth

#endif  // GRIDCASE_COMMON_AUTH_RATE_LIMIT_H_
