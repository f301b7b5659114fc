#include "common/limits/leased_rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace gridcase::limits {

LeasedRateLimiter::LeasedRateLimiter(std::unique_ptr<TokenSource> source,
                                     const Clock* clock, Options options)
    : source_(std::move(source)), clock_(clock), options_(options) {}

int64_t LeasedRateLimiter::MaxLease(const Rate& rate) const {
  const double in_lifetime =
      rate.per_second * absl::ToDoubleSeconds(options_.lifetime) / 2;
  return std::max<int64_t>(
      1, std::min<int64_t>(rate.burst / 4,
                           static_cast<int64_t>(std::floor(in_lifetime))));
}

absl::StatusOr<RateDecision> LeasedRateLimiter::Charge(absl::string_view bucket,
                                                       const Rate& rate) {
  int64_t size = 1;
  {
    const absl::Time now = clock_->Now();
    absl::MutexLock lock(&mu_);
    auto it = leases_.find(bucket);
    if (it != leases_.end()) {
      Lease& lease = it->second;
      if (now < lease.expires && lease.left > 0) {
        --lease.left;
        return RateDecision{};
      }
      // Used up in time: a busy bucket, so a larger lease.
      if (now < lease.expires) {
        size = std::min(lease.size * 2, MaxLease(rate));
      }
    }
  }
  absl::StatusOr<RateDecision> taken = source_->Take(bucket, rate, size);
  if (taken.ok() && !taken->allowed && size > 1) {
    size = 1;
    taken = source_->Take(bucket, rate, 1);
  }
  if (!taken.ok() || !taken->allowed) return taken;

  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  if (leases_.size() >= options_.max_buckets && !leases_.contains(bucket)) {
    absl::erase_if(leases_,
                   [now](const auto& e) { return now >= e.second.expires; });
    if (leases_.size() >= options_.max_buckets) leases_.clear();
  }
  Lease& lease = leases_[std::string(bucket)];
  // Another thread's lease may still hold calls: keep them.
  if (now >= lease.expires) lease.left = 0;
  lease.left += size - 1;
  lease.expires = now + options_.lifetime;
  lease.size = size;
  return RateDecision{};
}

}  // namespace gridcase::limits
