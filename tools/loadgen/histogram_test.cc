#include "tools/loadgen/histogram.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace gridcase::loadgen {
namespace {

TEST(LatencyHistogramTest, EmptyReportsZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.Percentile(0.5), 0);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.Percentile(0.50), 50);
  EXPECT_EQ(h.Percentile(0.90), 90);
  EXPECT_EQ(h.Percentile(0.99), 99);
  EXPECT_EQ(h.Percentile(1.0), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, EveryBucketHoldsItsValuesWithinOnePercent) {
  for (int64_t v : {int64_t{255}, int64_t{256}, int64_t{257}, int64_t{1000},
                    int64_t{123456}, int64_t{987654321}}) {
    int b = LatencyHistogram::BucketOf(v);
    int64_t low = LatencyHistogram::BucketLow(b);
    int64_t width = LatencyHistogram::BucketWidth(b);
    EXPECT_LE(low, v) << v;
    EXPECT_LT(v, low + width) << v;
    EXPECT_LE(static_cast<double>(width) / static_cast<double>(low), 0.01) << v;
  }
}

TEST(LatencyHistogramTest, BucketsAreContiguous) {
  for (int b = 0; b + 1 < LatencyHistogram::BucketCount(); ++b) {
    EXPECT_EQ(LatencyHistogram::BucketLow(b) + LatencyHistogram::BucketWidth(b),
              LatencyHistogram::BucketLow(b + 1))
        << b;
    EXPECT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(b)), b);
  }
}

TEST(LatencyHistogramTest, PercentilesOfLargeValuesWithinOnePercent) {
  LatencyHistogram h;
  // 1 ms .. 100 ms in 1 µs steps of 10.
  for (int64_t v = 1000; v <= 100000; v += 10) h.Record(v);
  auto near = [](int64_t got, double want) {
    return std::abs(static_cast<double>(got) - want) / want < 0.01;
  };
  EXPECT_TRUE(near(h.Percentile(0.50), 50500)) << h.Percentile(0.50);
  EXPECT_TRUE(near(h.Percentile(0.90), 90100)) << h.Percentile(0.90);
  EXPECT_TRUE(near(h.Percentile(0.99), 99010)) << h.Percentile(0.99);
  EXPECT_EQ(h.max(), 100000);
  EXPECT_EQ(h.min(), 1000);
}

TEST(LatencyHistogramTest, OneOutlierIsTheMaxAndTheTopPercentile) {
  LatencyHistogram h;
  for (int i = 0; i < 999; ++i) h.Record(2000);
  h.Record(5000000);
  EXPECT_NEAR(h.Percentile(0.99), 2000, 20);
  EXPECT_NEAR(h.Percentile(0.999), 2000, 20);
  EXPECT_EQ(h.Percentile(1.0), 5000000);
  EXPECT_EQ(h.max(), 5000000);
}

TEST(LatencyHistogramTest, MergeAddsCountsAndExtremes) {
  LatencyHistogram a, b;
  a.Record(10);
  a.Record(20);
  b.Record(5);
  b.Record(400000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 4);
  EXPECT_EQ(a.min(), 5);
  EXPECT_EQ(a.max(), 400000);
  EXPECT_EQ(a.Percentile(0.5), 10);
}

TEST(LatencyHistogramTest, NegativeCountsAsZero) {
  LatencyHistogram h;
  h.Record(-5);
  EXPECT_EQ(h.max(), 0);
  EXPECT_EQ(h.Percentile(0.5), 0);
}

}  // namespace
}  // namespace gridcase::loadgen
