#include "services/notify/backoff.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace gridcase::notify {

Outcome Classify(const HttpResult& result) {
  int s = result.status;
  if (s >= 200 && s < 300) return Outcome::kSent;
  if (s == 0 || s >= 500 || s == 408 || s == 429) return Outcome::kRetry;
  return Outcome::kDead;
}

std::string Describe(const HttpResult& result) {
  if (result.status != 0) return absl::StrCat("HTTP ", result.status);
  return absl::StrCat(result.timed_out ? "timeout: " : "connection: ",
                      result.error);
}

absl::Duration RetryDelay(const BackoffOptions& options, int attempt,
                          double random01) {
  absl::Duration d = options.base;
  for (int i = 1; i < attempt && d < options.cap; ++i) d *= 2;
  d = std::min(d, options.cap);
  double keep = 1.0 - options.jitter * std::clamp(random01, 0.0, 1.0);
  return d * keep;
}

Outcome AfterAttempt(const BackoffOptions& options, int attempt,
                     Outcome classified) {
  if (classified == Outcome::kRetry && attempt >= options.max_attempts) {
    return Outcome::kDead;
  }
  return classified;
}

}  // namespace gridcase::notify
