#include "services/stats/query_cache.h"

#include "common/clock/fake_clock.h"
#include "common/clock/timestamp.h"
#include "common/status/status_matchers.h"
#include "gmock/gmock.h"
#include "gridcase/v1/stats.pb.h"
#include "gtest/gtest.h"

namespace gridcase::stats {
namespace {

using ::gridcase::testing::StatusIs;

const absl::Time kStart = absl::FromUnixSeconds(1796380800);

class QueryCacheTest : public ::testing::Test {
 protected:
  // A Summary "computed" now, counting the computations.
  absl::StatusOr<v1::SummaryResponse> Compute() {
    ++computed_;
    v1::SummaryResponse out;
    *out.mutable_computed_at() = ToTimestamp(clock_.Now());
    out.mutable_indicators()->set_reports(computed_);
    return out;
  }

  absl::StatusOr<v1::SummaryResponse> Summary(QueryCache& cache,
                                              const std::string& region) {
    v1::SummaryRequest req;
    req.mutable_scope()->set_code(region);
    return cache.Get<v1::SummaryResponse>("Summary", req,
                                          [&] { return Compute(); });
  }

  FakeClock clock_{kStart};
  int computed_ = 0;
};

TEST_F(QueryCacheTest, ReusesAnAnswerForTheTtlWithItsOwnComputedAt) {
  QueryCache cache(&clock_, absl::Seconds(2));
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse first, Summary(cache, "330483101"));
  clock_.Advance(absl::Milliseconds(1999));
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse again, Summary(cache, "330483101"));
  EXPECT_EQ(computed_, 1);
  EXPECT_EQ(again.indicators().reports(), 1);
  EXPECT_EQ(FromTimestamp(again.computed_at()), kStart);

  clock_.Advance(absl::Milliseconds(1));
  ASSERT_OK_AND_ASSIGN(v1::SummaryResponse fresh, Summary(cache, "330483101"));
  EXPECT_EQ(computed_, 2);
  EXPECT_EQ(FromTimestamp(fresh.computed_at()), kStart + absl::Seconds(2));
}

TEST_F(QueryCacheTest, OtherRequestsAndMethodsAreOtherAnswers) {
  QueryCache cache(&clock_, absl::Seconds(2));
  ASSERT_OK(Summary(cache, "330483101").status());
  ASSERT_OK(Summary(cache, "330483102").status());
  EXPECT_EQ(computed_, 2);
  v1::SummaryRequest req;
  req.mutable_scope()->set_code("330483101");
  ASSERT_OK(
      cache.Get<v1::SummaryResponse>("Other", req, [&] { return Compute(); })
          .status());
  EXPECT_EQ(computed_, 3);
  EXPECT_EQ(cache.size(), 3u);
}

TEST_F(QueryCacheTest, ErrorsAreNotKept) {
  QueryCache cache(&clock_, absl::Seconds(2));
  v1::SummaryRequest req;
  int calls = 0;
  auto failing = [&]() -> absl::StatusOr<v1::SummaryResponse> {
    ++calls;
    return absl::InvalidArgumentError("region_code: unknown");
  };
  EXPECT_THAT(cache.Get<v1::SummaryResponse>("Summary", req, failing),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_THAT(cache.Get<v1::SummaryResponse>("Summary", req, failing),
              StatusIs(absl::StatusCode::kInvalidArgument, ::testing::_));
  EXPECT_EQ(calls, 2);
  EXPECT_EQ(cache.size(), 0u);
}

TEST_F(QueryCacheTest, ZeroTtlComputesEveryCall) {
  QueryCache cache(&clock_, absl::ZeroDuration());
  ASSERT_OK(Summary(cache, "330483101").status());
  ASSERT_OK(Summary(cache, "330483101").status());
  EXPECT_EQ(computed_, 2);
}

TEST_F(QueryCacheTest, StaysWithinItsCapacity) {
  QueryCache cache(&clock_, absl::Seconds(2), 2);
  ASSERT_OK(Summary(cache, "1").status());
  ASSERT_OK(Summary(cache, "2").status());
  ASSERT_OK(Summary(cache, "3").status());
  EXPECT_LE(cache.size(), 2u);
  ASSERT_OK(Summary(cache, "3").status());
  EXPECT_EQ(computed_, 3);
}

}  // namespace
}  // namespace gridcase::stats
