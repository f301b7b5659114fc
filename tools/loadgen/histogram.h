// LatencyHistogram: a log-linear bucket histogram of latencies in
// microseconds (as HdrHistogram lays its buckets out), exact below 256 µs
// and within 1/128 (0.8%) of the true value above, with the exact count,
// sum, minimum and maximum beside it. Percentiles are read from the buckets;
// the maximum and the mean are exact. Not thread-safe: Tally guards one.
#ifndef GRIDCASE_TOOLS_LOADGEN_HISTOGRAM_H_
#define GRIDCASE_TOOLS_LOADGEN_HISTOGRAM_H_

#include <cstdint>
#include <vector>

namespace gridcase::loadgen {

class LatencyHistogram final {
 public:
  // Sub-buckets per power of two: 2^kSubBits.
  static constexpr int kSubBits = 7;
  // Values at or above 2^kMaxBits µs (about 12.7 days) count as that.
  static constexpr int kMaxBits = 40;

  LatencyHistogram();

  // Adds one value in µs; negative values count as 0.
  void Record(int64_t micros);
  // Adds every value of `other`.
  void Merge(const LatencyHistogram& other);

  int64_t count() const { return count_; }
  int64_t min() const { return count_ == 0 ? 0 : min_; }
  int64_t max() const { return max_; }
  double mean() const;
  // The value at quantile q in [0, 1]: the smallest recorded value such
  // that at least q of all values are at or below it, as the midpoint of
  // its bucket (clamped to [min, max]); 0 when empty. q = 1 gives max().
  int64_t Percentile(double q) const;

  // The bucket of a value and its range [BucketLow, BucketLow + BucketWidth).
  static int BucketOf(int64_t micros);
  static int64_t BucketLow(int bucket);
  static int64_t BucketWidth(int bucket);
  static int BucketCount();

 private:
  std::vector<int64_t> buckets_;
  int64_t count_ = 0;
  double sum_ = 0;
  int64_t min_ = 0;
  int64_t max_ = 0;
};

}  // namespace gridcase::loadgen

#endif  // GRIDCASE_TOOLS_LOADGEN_HISTOGRAM_H_
