#include "tools/loadgen/histogram.h"

#include <algorithm>
#include <cmath>

namespace gridcase::loadgen {
namespace {

constexpr int64_t kSub = int64_t{1} << LatencyHistogram::kSubBits;
constexpr int64_t kExact = 2 * kSub;  // values below are their own bucket
constexpr int64_t kLimit = (int64_t{1} << LatencyHistogram::kMaxBits) - 1;

int MostSignificantBit(uint64_t v) { return 63 - __builtin_clzll(v); }

}  // namespace

LatencyHistogram::LatencyHistogram() : buckets_(BucketCount(), 0) {}

int LatencyHistogram::BucketCount() { return BucketOf(kLimit) + 1; }

int LatencyHistogram::BucketOf(int64_t micros) {
  int64_t v = std::clamp<int64_t>(micros, 0, kLimit);
  if (v < kExact) return static_cast<int>(v);
  // v in [2^msb, 2^(msb+1)): kSub buckets of width 2^shift.
  int shift = MostSignificantBit(static_cast<uint64_t>(v)) - kSubBits;
  int64_t mantissa = v >> shift;  // in [kSub, 2 * kSub)
  return static_cast<int>(kExact + (shift - 1) * kSub + (mantissa - kSub));
}

int64_t LatencyHistogram::BucketLow(int bucket) {
  if (bucket < kExact) return bucket;
  int64_t shift = (bucket - kExact) / kSub + 1;
  int64_t mantissa = (bucket - kExact) % kSub + kSub;
  return mantissa << shift;
}

int64_t LatencyHistogram::BucketWidth(int bucket) {
  if (bucket < kExact) return 1;
  return int64_t{1} << ((bucket - kExact) / kSub + 1);
}

void LatencyHistogram::Record(int64_t micros) {
  int64_t v = std::clamp<int64_t>(micros, 0, kLimit);
  ++buckets_[BucketOf(v)];
  if (count_ == 0 || v < min_) min_ = v;
  max_ = std::max(max_, v);
  ++count_;
  sum_ += static_cast<double>(v);
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.count_ == 0) return;
  for (size_t i = 0; i < buckets_.size(); ++i) buckets_[i] += other.buckets_[i];
  min_ = count_ == 0 ? other.min_ : std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  count_ += other.count_;
  sum_ += other.sum_;
}

double LatencyHistogram::mean() const {
  return count_ == 0 ? 0 : sum_ / static_cast<double>(count_);
}

int64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (q >= 1) return max_;
  // The rank of the value asked for, 1-based: at least one value.
  int64_t rank = std::max<int64_t>(
      1, static_cast<int64_t>(std::ceil(std::max(q, 0.0) * count_)));
  int64_t seen = 0;
  for (size_t b = 0; b < buckets_.size(); ++b) {
    seen += buckets_[b];
    if (seen >= rank) {
      int bucket = static_cast<int>(b);
      int64_t mid = BucketLow(bucket) + (BucketWidth(bucket) - 1) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace gridcase::loadgen
