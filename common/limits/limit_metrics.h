// The limits' Prometheus metrics, declared once:
//   gridcase_rate_limited_total{kind="caller"|"channel"|"quota"}
//       calls refused RESOURCE_EXHAUSTED by a caller's or a channel's rate
//       limit, or by intake's daily report quota
//   gridcase_rate_limit_errors_total
//       rate-limit checks that failed (Redis did not answer); those calls
//       were served unchecked (the limiter fails open)
// Built on the service's registry by whoever checks a limit (the
// RateLimitedAuthenticator, intake's quota); prometheus-cpp merges the
// families, so the series are the same.
#ifndef GRIDCASE_COMMON_LIMITS_LIMIT_METRICS_H_
#define GRIDCASE_COMMON_LIMITS_LIMIT_METRICS_H_

#include "prometheus/counter.h"
#include "prometheus/registry.h"

namespace gridcase::limits {

enum class LimitKind { kCaller, kChannel, kQuota };

class LimitMetrics final {
 public:
  explicit LimitMetrics(prometheus::Registry& registry);
  LimitMetrics(const LimitMetrics&) = delete;
  LimitMetrics& operator=(const LimitMetrics&) = delete;

  // The counters are prometheus-cpp's (thread-safe), held by reference.
  void Refused(LimitKind kind) const { refused(kind).Increment(); }
  void CheckFailed() const { check_errors_.Increment(); }

  prometheus::Counter& refused(LimitKind kind) const;
  prometheus::Counter& check_errors() const { return check_errors_; }

 private:
  prometheus::Counter& caller_;
  prometheus::Counter& channel_;
  prometheus::Counter& quota_;
  prometheus::Counter& check_errors_;
};

}  // namespace gridcase::limits

#endif  // GRIDCASE_COMMON_LIMITS_LIMIT_METRICS_H_
