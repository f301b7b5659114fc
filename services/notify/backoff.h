// Retry policy of deliveries: what an attempt's result means (sent, worth a
// retry, or dead at once) and how long to wait before the next attempt
// (exponential backoff with a cap and optional jitter).
#ifndef GRIDCASE_SERVICES_NOTIFY_BACKOFF_H_
#define GRIDCASE_SERVICES_NOTIFY_BACKOFF_H_

#include <string>

#include "absl/time/time.h"

namespace gridcase::notify {

struct BackoffOptions {
  absl::Duration base = absl::Seconds(2);  // before the second attempt
  absl::Duration cap = absl::Minutes(10);
  // Each delay is shortened by up to this share, at random (0: none).
  double jitter = 0.2;
  int max_attempts = 8;  // then the delivery is dead-lettered
};

// What one HTTP attempt returned: `status` is the HTTP status, 0 when no
// answer came (then `error` says why and `timed_out` whether the request
// timed out).
struct HttpResult {
  int status = 0;
  std::string error;
  bool timed_out = false;
};

enum class Outcome { kSent, kRetry, kDead };

// 2xx: sent; 5xx, 408, 429 and no answer (timeout, connection error):
// retry; any other status: dead at once (the receiver refuses it).
Outcome Classify(const HttpResult& result);

// "HTTP 200", "timeout: …", "connection: …": the result as recorded.
std::string Describe(const HttpResult& result);

// The delay after failed attempt number `attempt` (1-based):
// base * 2^(attempt-1), at most cap, times (1 - jitter * random01), where
// random01 is in [0, 1).
absl::Duration RetryDelay(const BackoffOptions& options, int attempt,
                          double random01);

// The outcome of attempt `attempt` whose result is `classified`: a retry
// becomes dead once attempt reaches max_attempts.
Outcome AfterAttempt(const BackoffOptions& options, int attempt,
                     Outcome classified);

}  // namespace gridcase::notify

#endif  // GRIDCASE_SERVICES_NOTIFY_BACKOFF_H_
